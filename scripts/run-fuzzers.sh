#!/usr/bin/env bash
# Runs every fuzz target: first replays its seed corpus, then fuzzes it for
# SECONDS, and prints executions and coverage. Exits non-zero on any crash;
# the crashing input is kept in BUILD/artifacts/.
#   run-fuzzers.sh BUILD SECONDS
set -euo pipefail
build=$1 seconds=$2
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build/artifacts"
printf '%-22s %12s %8s %8s\n' target executions coverage features
status=0 passed=0 failed=0
for bin in "$build"/fuzz/fuzz_*; do
  [[ -x $bin ]] || continue
  t=$(basename "$bin")
  seeds="$here/fuzz/corpus/$t"
  work="$build/corpus/$t"
  mkdir -p "$work"
  if ! "$bin" -runs=0 "$seeds" > "$build/$t.replay.log" 2>&1; then
    echo "$t: a seed input crashes (see $build/$t.replay.log)"; status=1; failed=$((failed + 1)); continue
  fi
  if ! "$bin" -max_total_time="$seconds" -dict="$here/fuzz/espnow.dict" -print_final_stats=1 \
       -artifact_prefix="$build/artifacts/$t-" "$work" "$seeds" > "$build/$t.log" 2>&1; then
    echo "$t: crashed; input in $build/artifacts/ (log: $build/$t.log)"; tail -30 "$build/$t.log"; status=1
    failed=$((failed + 1)); continue
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/$t.log" | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$build/$t.log" | tail -1 | grep -o '[0-9]*' || echo 0)
  ft=$(grep -o 'ft: [0-9]*' "$build/$t.log" | tail -1 | grep -o '[0-9]*' || echo 0)
  printf '%-22s %12s %8s %8s\n' "$t" "$execs" "$cov" "$ft"
  passed=$((passed + 1))
done
echo "fuzz: $passed passed, $failed failed"
exit $status
