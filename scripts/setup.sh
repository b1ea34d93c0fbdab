#!/usr/bin/env bash
# Installs the Debian 12 packages salonsim needs, if any are missing. Idempotent: when all are
# present it only checks (well under a second).
#
#   scripts/setup.sh            what building and running salonsim needs
#   scripts/setup.sh --mpi      and OpenMPI, for the MPI back end and its tests (scripts/test.sh)
#   scripts/setup.sh --web      and Node.js with npm, then the teaching page's JavaScript
#                               libraries (web/package-lock.json) into web/node_modules
#   scripts/setup.sh --browser  and Debian's Chromium, for the browser tests (with --web)
#   scripts/setup.sh --r        and R with hdf5r, for the R reading example and its test
#   scripts/setup.sh --fuzz     and Clang with libFuzzer and the sanitizers' runtimes (and
#                               llvm-symbolizer for their reports), for scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config git
  libboost-graph-dev libboost-serialization-dev libtbb-dev libyaml-cpp-dev libhdf5-dev zlib1g-dev
  libgtest-dev libbenchmark-dev libcli11-dev libfmt-dev librandom123-dev libeigen3-dev
  nlohmann-json3-dev libcpp-httplib-dev
  python3-h5py python3-numpy python3-pandas python3-scipy python3-statsmodels python3-matplotlib
)
web=false
for option in "$@"; do
  case "$option" in
    --mpi) packages+=(libopenmpi-dev openmpi-bin) ;;
    --web)
      web=true
      # Node.js may come from elsewhere (e.g. NodeSource, whose nodejs holds npm): only a missing
      # command asks for Debian's packages.
      command -v node >/dev/null || packages+=(nodejs)
      command -v npm >/dev/null || packages+=(npm)
      ;;
    --browser) command -v chromium >/dev/null || packages+=(chromium) ;;
    --r) packages+=(r-base-core r-cran-hdf5r) ;;
    --fuzz) packages+=(clang libclang-rt-14-dev llvm) ;;
    *) echo "salonsim: unknown option '$option' (expected --mpi, --web, --browser, --r or --fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

# One line per phase; what apt and npm print goes to a log, shown only when a phase fails.
log=$(mktemp -t salonsim-setup.XXXXXX.log)
run_logged() {  # run_logged "what it does" command...
  echo "salonsim: $1" >&2
  if ! "${@:2}" >>"$log" 2>&1; then
    echo "salonsim: failed while $1; the end of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
}

install_packages() {
  local run_as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "salonsim: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    run_as_root=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  run_logged "updating the package lists (apt-get update)" "${run_as_root[@]}" apt-get update -q
  run_logged "installing ${#missing[@]} Debian packages: ${missing[*]}" \
    "${run_as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}
((${#missing[@]} == 0)) || install_packages

# The page's JavaScript libraries, from npm's registry at the versions the lock file pins; again
# only when they are missing or the lock file changed since.
if $web && ! cmp -s web/package-lock.json web/node_modules/.salonsim-installed-lock 2>/dev/null; then
  (cd web && PUPPETEER_SKIP_DOWNLOAD=1 run_logged \
    "installing the teaching page's JavaScript libraries (npm ci in web/)" \
    npm ci --no-audit --no-fund)
  cp web/package-lock.json web/node_modules/.salonsim-installed-lock
fi
rm -f "$log"
