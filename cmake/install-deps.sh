#!/usr/bin/env bash
# Installs the Debian packages ccbench builds and tests with. As root it runs apt-get;
# otherwise it prints the exact command and exits 2.
set -euo pipefail

packages=(
  g++ make cmake pkg-config git
  libopenblas-dev
  libbenchmark-dev
  libgtest-dev libgmock-dev
  nlohmann-json3-dev
  libcli11-dev
  libfmt-dev
  libhwloc-dev
  libdnnl-dev
  libsqlite3-dev
  libsodium-dev minisign libvalijson-dev
  openmpi-bin libopenmpi-dev
  hpcc
  python3 python3-jsonschema
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "ccbench: missing Debian packages: ${missing[*]}" >&2
  echo "ccbench: run as root:  apt-get update && $line" >&2
  exit 2
fi
echo "ccbench: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
