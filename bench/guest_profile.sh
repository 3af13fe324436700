#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest_profile.sh CMD:N...: run in an x86_64 guest by `scripts/bench
# --profile` with memsan.ko, bench_inst.ko and perfkit.tgz (the host's perf
# and the libraries it needs) in the current directory.  Loads memsan and
# bench_inst, then profiles each bench_inst command with perf: cpu-clock
# samples of every CPU with kernel call graphs, printed as the functions with
# the most samples (self) and with the most samples under them (children).
# An argument "set:PARAM=VALUE" sets a memsan parameter for the commands
# after it (e.g. set:stack_trace=N).

DBG=/sys/kernel/debug

die() { echo "guest_profile: $*" >&2; exit 1; }

grep -q " $DBG debugfs " /proc/mounts || mount -t debugfs debugfs $DBG ||
	die "cannot mount debugfs"
tar xzf perfkit.tgz -C /tmp || die "cannot unpack perfkit.tgz"
# not a terminal: plain text, no pager
perf() {
	TERM=dumb PAGER=cat /tmp/perfkit/lib/ld-linux-x86-64.so.2 \
		--library-path /tmp/perfkit/lib /tmp/perfkit/perf "$@" | cat
}
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid
insmod ./memsan.ko || die "insmod memsan.ko failed"
insmod ./bench_inst.ko || die "insmod bench_inst.ko failed"

for arg in "$@"; do
	cmd=$(echo "$arg" | tr : ' ')
	case $cmd in
	"set "*=*)
		# "set PARAM=VALUE": a memsan parameter for the commands after it
		p=${cmd#set }
		echo "## memsan parameter ${p%%=*} = ${p#*=}"
		echo "${p#*=}" >"/sys/module/memsan/parameters/${p%%=*}" ||
			die "cannot set memsan parameter ${p%%=*}"
		continue
		;;
	esac
	echo "## profile: bench_inst $cmd"
	perf record -q -e cpu-clock -F 4000 -a -g -o /tmp/perf.data -- \
		sh -c "echo '$cmd' >$DBG/bench_inst/run" || die "perf record failed"
	echo "## self"
	perf report -q -i /tmp/perf.data --stdio --no-children --sort sym -g none \
		--percent-limit 0.7 2>/dev/null
	echo "## children"
	perf report -q -i /tmp/perf.data --stdio --children --sort sym -g none \
		--percent-limit 2 2>/dev/null | grep '\[k\]'
done
