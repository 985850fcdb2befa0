#!/bin/sh
# sim_command_check.sh [--differs "ARGS2"] PROGRAM "ARGS" PATTERN...
# Runs firmware linked with espnow_idf_emul_main as `PROGRAM ARGS` (ARGS
# word-split, e.g. "--sim 4 --seed 1") twice and checks: both exit 0; stdout
# is the same twice, byte for byte; every line of it starts with a chip's MAC
# (02:00:00:00:HH:LL and a space); each PATTERN (grep -E) is in it, each
# !PATTERN is not; stderr
# has the run's summary. With --differs, `PROGRAM ARGS2` must print other
# output. Prints what it checked, and the first run's output on a failure.
differs=""
if [ "$1" = "--differs" ]; then
  differs=$2
  shift 2
fi
program=$1
args=$2
shift 2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() {
  echo "FAILED: $*"
  echo "--- stdout of the first run:"
  cat "$dir/1.out"
  echo "--- stderr:"
  cat "$dir/1.err"
  exit 1
}
# shellcheck disable=SC2086  # ARGS are word-split on purpose
for run in 1 2; do
  "$program" $args >"$dir/$run.out" 2>"$dir/$run.err" || fail "run $run exited with $?"
done
cmp -s "$dir/1.out" "$dir/2.out" || fail "two runs of '$args' printed different output"
echo "same output twice: $(wc -l <"$dir/1.out") lines"
if grep -vqE '^02:00:00:00:[0-9a-f]{2}:[0-9a-f]{2} ' "$dir/1.out"; then
  fail "a line without a chip's MAC: $(grep -vE '^02:00:00:00:[0-9a-f]{2}:[0-9a-f]{2} ' "$dir/1.out" | head -1)"
fi
echo "every line starts with a chip's MAC"
for pattern in "$@"; do
  case $pattern in
    !*)
      ! grep -qE "${pattern#!}" "$dir/1.out" || fail "a line matches '${pattern#!}'"
      echo "not found, as it should not be: ${pattern#!}" ;;
    *)
      grep -qE "$pattern" "$dir/1.out" || fail "no line matches '$pattern'"
      echo "found: $pattern" ;;
  esac
done
grep -qE 'chips?, seed [0-9]+: [0-9.]+ virtual s in [0-9.]+ s of wall time' "$dir/1.err" || fail "no summary on stderr"
cat "$dir/1.err"
if [ -n "$differs" ]; then
  # shellcheck disable=SC2086
  "$program" $differs >"$dir/3.out" 2>"$dir/3.err" || fail "'$differs' exited with $?"
  cmp -s "$dir/1.out" "$dir/3.out" && fail "'$differs' printed the same output as '$args'"
  echo "'$differs' prints other output"
fi
echo "sim command checks passed"
