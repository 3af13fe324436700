# SPDX-License-Identifier: GPL-2.0
# Reads the bench's own output (first file) and callgrind_annotate --inclusive=yes output
# (second file), and prints instructions per check. Costs and call counts both come from
# the annotated call sites ("=> file:fn (Nx)"), summed over every site: callgrind splits
# a function's own totals by source file when it inlines a header, the call sites do not.
FNR == NR { val[$1] = $2; next }
/=> .*:(bench|naive)_check[A-Za-z0-9_]* \([0-9,]+x\)/ {
	ir = $1
	gsub(/,/, "", ir)
	for (i = 2; i <= NF; i++) {
		if ($i ~ /:(bench|naive)_check/) {
			fn = $i
			sub(/.*:/, "", fn)
		}
		if ($i ~ /^\([0-9,]+x\)$/) {
			n = $i
			gsub(/[(),x]/, "", n)
		}
	}
	cost[fn] += ir
	calls[fn] += n
}
function per(fn) {
	if (!calls[fn]) {
		printf "bench: no callgrind data for %s\n", fn > "/dev/stderr"
		failed = 1
		return 0
	}
	return cost[fn] / calls[fn]
}
END {
	printf "shadow_check8: %.1f instr/check (naive model: %.1f)\n",
	       per("bench_check8"), per("naive_check8")
	printf "shadow_checkN: %.1f instr/check (naive model: %.1f)  [N = 1..16, mean %s]\n",
	       per("bench_checkN_small"), per("naive_checkN_small"), val["mean_small"]
	printf "shadow_checkN: %.1f instr/check (naive model: %.1f)  [N = 17..512, mean %s]\n",
	       per("bench_checkN_large"), per("naive_checkN_large"), val["mean_large"]
	exit failed
}
