# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# ktap.sh: what every memsan guest-side test runner shares (busybox ash).
# Sourced, never run: `. ./ktap.sh` from the runner's directory (vm-run puts
# it beside the runners in /memsan/; suites that build their own guest
# directory copy it there).
#
# Results: point() prints one KTAP/TAP result, numbered in order, and keeps
# the counts $n, $failed and $skipped that a runner's exit status is made of.

n=0
failed=0
skipped=0

MEMSAN_STATS=${MEMSAN_STATS:-/sys/kernel/debug/memsan/stats}

diag() {
	echo "# $*"
}

# point ok|not_ok NAME [DIRECTIVE]: one result; a DIRECTIVE starting with
# SKIP makes it a skip (counted as such, never as a pass), any other is the
# reason of a failure.
point() {
	n=$((n + 1))
	if [ "$1" = ok ]; then
		printf 'ok %d %s' "$n" "$2"
	else
		printf 'not ok %d %s' "$n" "$2"
	fi
	[ -n "$3" ] && printf ' # %s' "$3"
	printf '\n'
	case $3 in
	SKIP*) skipped=$((skipped + 1)) ;;
	*) [ "$1" = ok ] || failed=$((failed + 1)) ;;
	esac
}

# loaded MODULE: true if MODULE is in /proc/modules
loaded() {
	grep -q "^$1 " /proc/modules
}

# memsan_stat NAME: one counter of memsan's debugfs stats (empty if none)
memsan_stat() {
	sed -n "s/^$1: *//p" "$MEMSAN_STATS" 2>/dev/null
}

# mem_kb: Slab + VmallocUsed in kB after dropping the caches, the measure of
# memsan's own memory that load/unload tests compare.  Objects freed with
# kfree_rcu() go back only after a 5 s batch delay; SLUB keeps emptied slabs
# cached per CPU and per node (the quarantine released at unload leaves
# many): give them back so that only leaks remain.
mem_kb() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 6
	echo 3 > /proc/sys/vm/drop_caches
	for shrink in /sys/kernel/slab/*/shrink; do
		echo 1 > "$shrink" 2>/dev/null
	done
	awk '/^Slab:|^VmallocUsed:/ { kb += $2 } END { print kb }' /proc/meminfo
}
