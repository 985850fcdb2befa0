#!/usr/bin/env bash
# Installs the Debian packages given as arguments, only those missing.
# Runs apt-get as root (directly, or through sudo), non-interactively.
set -euo pipefail
missing=()
for pkg in "$@"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
echo "Installing missing Debian packages: ${missing[*]}"
run_as_root=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then run_as_root=(sudo); else
    echo "error: packages missing (${missing[*]}) and not root; install them or run as root" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${run_as_root[@]}" apt-get update -qq
"${run_as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
