#!/usr/bin/env bash
# Runs the whole test suite under ThreadSanitizer, with oneTBB itself built with TSan. Debian's
# libtbb is not instrumented: TSan would not see a parallel_for hand work to its threads or join
# them, so it would report every write in a loop body against the serial code before and after
# it, and a suppression of TBB's frames would hide every race inside a parallel loop too.
#
#   scripts/tsan.sh [CTEST ARGUMENTS]     e.g. scripts/tsan.sh -R 'Sweep|Ensemble'
#
# Steps: Debian's own oneTBB source (apt-get source onetbb; a deb-src entry is added if there is
# none) built with TBB_SANITIZE=thread into build-tsan/onetbb; salonsim and its tests built with
# -fsanitize=thread against it in build-tsan (no MPI: OpenMPI is not instrumented); ctest with
# TSAN_OPTIONS from scripts/tsan.supp, halting at the first report. Slow: the build takes about
# 20 minutes on 2 cores, and a test 10 to 17 times as long as uninstrumented (-O2 keeps it so; at
# -O1 the ten-year runs took hours).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${SALONSIM_TSAN_BUILD_DIR:-$root/build-tsan}
tbb=$build/onetbb
mkdir -p "$build"

if [[ ! -f "$tbb/lib/cmake/TBB/TBBConfig.cmake" ]]; then
  source_dir=$build/onetbb-source
  if [[ ! -d "$source_dir" ]]; then
    if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      echo "salonsim: adding Debian's source packages to apt (for oneTBB's source)" >&2
      printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        >/etc/apt/sources.list.d/salonsim-deb-src.sources
      apt-get update -qq
    fi
    download=$(mktemp -d)
    (cd "$download" && apt-get source -qq --download-only onetbb >/dev/null 2>&1)
    mkdir -p "$source_dir"
    tar -xf "$download"/onetbb_*.orig.tar.* -C "$source_dir" --strip-components=1
    rm -rf "$download"
  fi
  echo "salonsim: building oneTBB with ThreadSanitizer (log: $build/onetbb.log)" >&2
  {
    cmake -S "$source_dir" -B "$build/onetbb-build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DTBB_SANITIZE=thread -DTBB_TEST=OFF -DTBB_STRICT=OFF -DTBBMALLOC_BUILD=OFF \
      -DTBB_EXAMPLES=OFF -DCMAKE_INSTALL_PREFIX="$tbb" &&
      cmake --build "$build/onetbb-build" -j "$(nproc)" &&
      cmake --install "$build/onetbb-build"
  } >"$build/onetbb.log" 2>&1 || {
    tail -n 40 "$build/onetbb.log" >&2
    exit 1
  }
fi

echo "salonsim: building the suite with ThreadSanitizer in $build (log: $build/build.log)" >&2
{
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O2 \
    -DSALONSIM_SANITIZE=thread -DTBB_DIR="$tbb/lib/cmake/TBB" -DSALONSIM_MPI=OFF \
    -DSALONSIM_TEST_TIMEOUT_S=7200 \
    -DSALONSIM_BUILD_BENCH=OFF -DSALONSIM_BROWSER_TEST=OFF -DSALONSIM_R_TEST=OFF &&
    cmake --build "$build" -j "$(nproc)"
} >"$build/build.log" 2>&1 || {
  tail -n 40 "$build/build.log" >&2
  exit 1
}
# The programs must load the instrumented libtbb, not Debian's.
if ! ldd "$build/salonsim" | grep -q "$tbb/lib"; then
  echo "salonsim: $build/salonsim does not load $tbb/lib's libtbb" >&2
  exit 1
fi
export TSAN_OPTIONS="suppressions=$root/scripts/tsan.supp halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
# One test at a time by default: most tests use every core, and oversubscribed threads under TSan
# crawl (at -O1 and -j 2, one test took an hour). Pass -j N to override.
ctest --test-dir "$build" --output-on-failure --timeout 7200 -j 1 "$@"
