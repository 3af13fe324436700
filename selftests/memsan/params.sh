#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# memsan's module parameters, in the guest (busybox ash), from the directory
# holding memsan.ko; memsan must not be loaded.  A bad value at insmod makes
# the load fail with a message naming the parameter; a bad write to
# /sys/module/memsan/parameters/ is refused and changes nothing; good writes
# take effect.  KTAP output.

cd "$(dirname "$0")" || exit 1
PARAMS=/sys/module/memsan/parameters
# the shared helpers: beside this script in the guest, in ../lib in the repo
if [ -f ktap.sh ]; then . ./ktap.sh; else . ../lib/ktap.sh; fi

echo "KTAP version 1"
echo "1..12"

# bad_insmod NAME PARAM=VALUE LOG_PATTERN
bad_insmod() {
	dmesg -c > /dev/null
	if insmod ./memsan.ko "$2" 2>/dev/null; then
		rmmod memsan
		point not_ok "$1" "insmod memsan.ko $2 succeeded"
	elif loaded memsan; then
		point not_ok "$1" "memsan loaded although insmod failed"
	elif ! dmesg | grep -q "$3"; then
		dmesg | tail -n 5 | sed 's/^/# /'
		point not_ok "$1" "no message matching '$3'"
	else
		point ok "$1"
	fi
}

# churn: slab allocations and frees by the kernel itself
churn() {
	for i in 1 2 3 4 5; do
		cat /proc/self/status /proc/meminfo /proc/slabinfo > /dev/null 2>&1
		ls -R /sys/module > /dev/null 2>&1
	done
}

# bad_write NAME PARAM VALUE: the write fails and the value stays
bad_write() {
	before=$(cat "$PARAMS/$2")
	if echo "$3" > "$PARAMS/$2" 2>/dev/null; then
		point not_ok "$1" "writing '$3' to $2 succeeded"
	elif [ "$(cat "$PARAMS/$2")" != "$before" ]; then
		point not_ok "$1" "$2 changed from '$before' to '$(cat "$PARAMS/$2")'"
	else
		point ok "$1"
	fi
}

if loaded memsan; then
	echo "# memsan is already loaded"
	exit 1
fi

bad_insmod insmod_rejects_bad_track track=bogus "track must be"
bad_insmod insmod_rejects_unaligned_redzone redzone=12 "redzone must be"
bad_insmod insmod_rejects_huge_quarantine quarantine_kb=99999999 "quarantine_kb must be"
bad_insmod insmod_rejects_bad_bool panic_on_report=maybe "panic_on_report"

if ! insmod ./memsan.ko; then
	point not_ok sysfs_rejects_bad_track "insmod memsan.ko failed"
	point not_ok sysfs_rejects_bad_redzone "insmod memsan.ko failed"
	point not_ok sysfs_rejects_bad_quarantine_kb "insmod memsan.ko failed"
	point not_ok sysfs_accepts_good_values "insmod memsan.ko failed"
	point not_ok defaults "insmod memsan.ko failed"
	exit 1
fi

if [ "$(cat $PARAMS/track) $(cat $PARAMS/redzone) $(cat $PARAMS/quarantine_kb)" = \
	"modules 16 4096" ]; then
	point ok defaults
else
	point not_ok defaults "track redzone quarantine_kb: $(cat $PARAMS/track) \
$(cat $PARAMS/redzone) $(cat $PARAMS/quarantine_kb)"
fi
bad_write sysfs_rejects_bad_track track everything
bad_write sysfs_rejects_bad_redzone redzone 13
bad_write sysfs_rejects_bad_quarantine_kb quarantine_kb -1

# track switches the allocation hooks at run time: with no instrumented
# module loaded, track=modules records nothing, track=all the kernel's objects.
before=$(memsan_stat allocations_tracked)
churn
after=$(memsan_stat allocations_tracked)
if [ -n "$before" ] && [ "$before" = "$after" ]; then
	point ok track_modules_ignores_the_kernel
else
	point not_ok track_modules_ignores_the_kernel "allocations_tracked '$before' -> '$after'"
fi
echo all > $PARAMS/track
churn
all=$(memsan_stat allocations_tracked)
if [ -n "$all" ] && [ "$all" -gt "$after" ]; then
	point ok track_all_tracks_the_kernel
else
	point not_ok track_all_tracks_the_kernel "allocations_tracked '$after' -> '$all'"
fi
echo modules > $PARAMS/track
before=$(memsan_stat allocations_tracked)
churn
after=$(memsan_stat allocations_tracked)
if [ "$(cat $PARAMS/track)" = modules ] && [ -n "$before" ] && [ "$before" = "$after" ]; then
	point ok track_modules_again_stops_tracking
else
	point not_ok track_modules_again_stops_tracking \
		"track '$(cat $PARAMS/track)', allocations_tracked '$before' -> '$after'"
fi

if echo all > $PARAMS/track && echo 32 > $PARAMS/redzone &&
	echo 0 > $PARAMS/quarantine_kb &&
	[ "$(cat $PARAMS/track) $(cat $PARAMS/redzone) $(cat $PARAMS/quarantine_kb)" = "all 32 0" ]; then
	point ok sysfs_accepts_good_values
else
	point not_ok sysfs_accepts_good_values "track redzone quarantine_kb: \
$(cat $PARAMS/track) $(cat $PARAMS/redzone) $(cat $PARAMS/quarantine_kb)"
fi
rmmod memsan
[ "$failed" = 0 ]
