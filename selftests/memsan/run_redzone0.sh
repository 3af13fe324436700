#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run_redzone0.sh: memsan_test's cases with memsan loaded redzone=0, in the
# guest (busybox ash), from the directory holding memsan.ko,
# memsan_victim.ko and memsan_test.  KTAP.  memsan_test skips, with the
# reason, the cases only a redzone catches; every other case must pass as
# it does with redzones.  Exit status 0 iff nothing failed.

cd "$(dirname "$0")" || exit 1
if [ -f ktap.sh ]; then . ./ktap.sh; else . ../lib/ktap.sh; fi

fail_all() {
	echo "KTAP version 1"
	echo "1..1"
	echo "not ok 1 redzone0: $1"
	exit 1
}

grep -q " /sys/kernel/debug debugfs " /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug || fail_all "cannot mount debugfs"
loaded memsan && fail_all "memsan was already loaded"
insmod ./memsan.ko redzone=0 || fail_all "insmod ./memsan.ko redzone=0 failed"
[ "$(cat /sys/module/memsan/parameters/redzone)" = 0 ] ||
	fail_all "memsan's redzone reads $(cat /sys/module/memsan/parameters/redzone), not 0"
insmod ./memsan_victim.ko || fail_all "insmod ./memsan_victim.ko failed"

./memsan_test
rc=$?
if ! rmmod memsan_victim || ! rmmod memsan; then
	diag "rmmod after the redzone=0 run failed"
	rc=1
fi
exit $rc
