#!/bin/sh
# The bundled scenario suite, timed: `appcsim run scenarios --jobs 2` with the optimised binary.
# Prints `bench suite_seconds VALUE s` (wall clock, target under 10 s). Failing scenarios do not
# stop the measurement; they are mentioned on standard error.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
bin="$BUILD/appcsim"
[ -x "$bin" ] || { echo "bench/suite.sh: $bin is not built" >&2; exit 1; }
find scenarios -name '*.json' 2>/dev/null | grep -q . || {
    echo "bench/suite.sh: no scenarios to run" >&2
    exit 0
}
reports=$(mktemp -d)
start=$(date +%s.%N)
"$bin" run scenarios --jobs 2 --quiet --report-dir "$reports" >/dev/null 2>&1
status=$?
end=$(date +%s.%N)
rm -rf "$reports"
[ $status -eq 0 ] || echo "bench/suite.sh: the suite exited with status $status" >&2
awk -v a="$start" -v b="$end" 'BEGIN { printf "bench suite_seconds %.3f s\n", b - a }'
