#!/bin/sh
# Benchmark: `appcsim coalesce` against iprange on 1,000,000 random IPv4 lines (10% /24, 90%
# host addresses), best wall time of 3 runs each. The input is generated once, deterministically
# (fixed seed), into $BUILD/bench/prefixes_1m.txt.
#
# The two outputs are compared as sets of addresses, not as text: iprange may split a range into
# CIDRs differently. iprange's output is fed back through our coalesce, which turns any list of
# prefixes into the unique minimal set of the same addresses; that must equal our own output
# byte for byte. (Our output is already that minimal set, so a difference means the address sets
# differ.)
#
# Prints: bench coalesce_1m_ms, bench iprange_1m_ms, bench coalesce_vs_iprange_ratio.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
APPCSIM=$BUILD/appcsim
DIR=$BUILD/bench
INPUT=$DIR/prefixes_1m.txt
mkdir -p "$DIR"

if [ ! -x "$APPCSIM" ]; then
    echo "coalesce.sh: $APPCSIM is missing (run make first)" >&2
    exit 1
fi
if [ ! -s "$INPUT" ]; then
    cc -O2 -std=c11 -Wall -Wextra -Werror -o "$DIR/gen_prefixes" bench/gen_prefixes.c
    "$DIR/gen_prefixes" 1000000 > "$INPUT.tmp"
    mv "$INPUT.tmp" "$INPUT"
fi

now_ns() { date +%s%N; }

# best_ms OUTFILE COMMAND...: runs COMMAND 3 times with stdout to OUTFILE, prints the best ms.
best_ms() {
    out=$1
    shift
    best=
    for _ in 1 2 3; do
        t0=$(now_ns)
        "$@" > "$out"
        t1=$(now_ns)
        ms=$(( (t1 - t0) / 1000000 ))
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    echo "$best"
}

ours_ms=$(best_ms "$DIR/coalesce_1m.out" "$APPCSIM" coalesce "$INPUT")
echo "bench coalesce_1m_ms $ours_ms ms"

if ! command -v iprange > /dev/null 2>&1; then
    echo "coalesce.sh: iprange is not installed; reporting appcsim coalesce only" >&2
    exit 0
fi
theirs_ms=$(best_ms "$DIR/iprange_1m.out" iprange "$INPUT")
echo "bench iprange_1m_ms $theirs_ms ms"

"$APPCSIM" coalesce "$DIR/iprange_1m.out" > "$DIR/iprange_1m.normalised"
if ! cmp -s "$DIR/coalesce_1m.out" "$DIR/iprange_1m.normalised"; then
    echo "coalesce.sh: appcsim coalesce and iprange cover different addresses:" >&2
    diff "$DIR/coalesce_1m.out" "$DIR/iprange_1m.normalised" | head -20 >&2
    exit 1
fi
echo "coalesce.sh: outputs agree ($(wc -l < "$DIR/coalesce_1m.out") prefixes)" >&2

[ "$theirs_ms" -gt 0 ] || theirs_ms=1
awk -v a="$ours_ms" -v b="$theirs_ms" 'BEGIN { printf "bench coalesce_vs_iprange_ratio %.2f x\n", a / b }'
