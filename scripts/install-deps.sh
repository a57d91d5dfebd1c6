#!/usr/bin/env bash
# Installs the Debian 12 packages phasegate needs that are missing (as root, or with sudo).
set -euo pipefail
packages=(cmake ninja-build g++ make python3 pkg-config
          libboost1.81-dev libsqlite3-dev sqlite3 libspdlog-dev libfmt-dev catch2 libcli11-dev
          nlohmann-json3-dev libssl-dev libcpp-httplib-dev)
# Optional extras: clang for `make fuzz`.
if [ "${1:-}" = "--fuzz" ]; then packages+=(clang libclang-rt-14-dev); fi
# Optional extras: the peer engines for `make bench`.
if [ "${1:-}" = "--bench" ]; then packages+=(gringo swi-prolog-nox clips time); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
