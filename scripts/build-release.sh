#!/usr/bin/env bash
# The release build (`make release`; `make bench` measures it): -O3,
# link-time optimization, and profile-guided optimization of what the
# simulator runs most.
#   1. BUILD/release-profile: `espnow` instrumented (-fprofile-generate);
#   2. bench/profile_training.py runs it on a mix of fields, which writes
#      the profile to BUILD/release-profile/data;
#   3. BUILD/release: everything, compiled with that profile and LTO.
# The instrumented build and the training are incremental and short (about
# 2 minutes on 2 cores the first time, seconds after).
# Usage: scripts/build-release.sh BUILD JOBS
set -euo pipefail
build=${1:-build}
jobs=${2:-$(nproc)}
root=$(cd "$(dirname "$0")/.." && pwd)
generate=$build/release-profile
profile=$(realpath -m "$generate/data")

cmake -S "$root" -B "$generate" -DCMAKE_BUILD_TYPE=Release -DESPNOW_BUILD_TESTS=OFF -DESPNOW_BUILD_BENCH=OFF \
      -DESPNOW_BUILD_PYTHON=OFF -DESPNOW_COMPILE_CHECKS=OFF -DESPNOW_PROFILE_GENERATE="$profile"
cmake --build "$generate" --target espnow_cli -j"$jobs"
# A profile of the binary just built, not counts added to an older one's.
rm -rf "$profile"
/usr/bin/python3 "$root/bench/profile_training.py" --espnow "$generate/espnow"

# An object is compiled again when its source changes (with the profile
# of the time); a new training (its script or its fields) compiles them all.
training=$(cat "$root/bench/profile_training.py" "$root/bench/bench_sim.py" | sha256sum | cut -c1-16)
cmake -S "$root" -B "$build/release" -DCMAKE_BUILD_TYPE=Release -DESPNOW_BUILD_TESTS=OFF \
      -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON -DESPNOW_PROFILE_USE="$profile" -DESPNOW_PROFILE_TRAINING="$training"
cmake --build "$build/release" -j"$jobs"
