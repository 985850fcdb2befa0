#!/bin/sh
# run_until_signalled.sh PATTERN SECONDS PROGRAM [ARGS...]
# Runs firmware linked with espnow_idf_emul_main (which runs until it is
# signalled, as a chip runs until its power is cut) with a fresh
# ESPNOW_NVS_DIR (none when NVS_IN_MEMORY=1: the NVS then lives in memory);
# waits up to SECONDS for a line of its output matching PATTERN (grep -E),
# sends it SIGTERM, and prints its output and its exit status. Fails when the
# line never comes or the program does not end with 0.
pattern=$1
limit=$2
shift 2
work=$(mktemp -d)
if [ "${NVS_IN_MEMORY:-0}" = 1 ]; then
  unset ESPNOW_NVS_DIR
else
  ESPNOW_NVS_DIR="$work/nvs"
  mkdir "$ESPNOW_NVS_DIR"
  export ESPNOW_NVS_DIR
fi
out="$work/out"
"$@" >"$out" 2>&1 &
pid=$!
deadline=$(($(date +%s) + limit))
status=0
while ! grep -Eq "$pattern" "$out"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "the program ended before printing '$pattern'"
    status=1
    break
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "no '$pattern' within ${limit} s"
    kill -KILL "$pid"
    status=1
    break
  fi
  sleep 0.05  # polls the output for the line, under the deadline above
done
[ $status -eq 0 ] && kill -TERM "$pid"
wait "$pid"
rc=$?
cat "$out"
rm -rf "$work"
echo "exit status $rc"
[ $status -eq 0 ] && [ $rc -eq 0 ]
