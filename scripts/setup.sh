#!/usr/bin/env bash
# Installs the Debian 12 packages salonsim needs, if any are missing. Idempotent: when all are
# present it only checks (well under a second).
#
#   scripts/setup.sh          what building and running salonsim needs
#   scripts/setup.sh --mpi    and OpenMPI, for the MPI back end and its tests (scripts/test.sh)
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libboost-graph-dev libboost-serialization-dev libtbb-dev libyaml-cpp-dev libhdf5-dev
  libgtest-dev libbenchmark-dev libcli11-dev libfmt-dev librandom123-dev libeigen3-dev
  nlohmann-json3-dev
  python3-h5py python3-numpy python3-pandas python3-scipy python3-statsmodels python3-matplotlib
)
if [[ ${1:-} == --mpi ]]; then
  packages+=(libopenmpi-dev openmpi-bin)
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "salonsim: installing ${missing[*]}" >&2
run_as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "salonsim: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  run_as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${run_as_root[@]}" apt-get update -qq
"${run_as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
