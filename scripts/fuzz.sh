#!/usr/bin/env bash
# Fuzzes the scenario loader, the --set overrides and the sweep loader (tests/fuzz): builds the
# libFuzzer targets with Clang, AddressSanitizer and UndefinedBehaviorSanitizer, then runs each on
# a copy of its committed corpus (tests/fuzz/corpus/<target>), SECONDS in all (default 60) split
# among the three. Exits 1 when a target finds a crash, a sanitizer report, a leak, a timeout
# (10 s) or an out-of-memory (2 GB): its input and log are kept in the directory it names. Needs
# clang and libFuzzer (scripts/setup.sh --fuzz).
#
#   scripts/fuzz.sh [SECONDS]          the runs; the committed corpus is never written
#   scripts/fuzz.sh --merge [SECONDS]  and then adds the inputs that reach new code to the
#                                      committed corpus (libFuzzer's -merge=1), for a developer
#   SALONSIM_FUZZ_BUILD_DIR            the Clang build (default build-fuzz in this checkout)
#   SALONSIM_FUZZ_WORK_DIR             where the corpus copies, logs and findings go, kept, so
#                                      that runs continue from the last (default: a temporary
#                                      directory, removed unless something was found)
#   SALONSIM_FUZZ_TARGETS              the targets to run (default "scenario sweep overrides")
set -euo pipefail
cd "$(dirname "$0")/.."

merge=false
seconds=60
for argument in "$@"; do
  case "$argument" in
    --merge) merge=true ;;
    '' | *[!0-9]*)
      echo "usage: scripts/fuzz.sh [--merge] [SECONDS]" >&2
      exit 2
      ;;
    *) seconds=$argument ;;
  esac
done
read -r -a targets <<<"${SALONSIM_FUZZ_TARGETS:-scenario sweep overrides}"
build_dir=${SALONSIM_FUZZ_BUILD_DIR:-build-fuzz}
if ! command -v clang++ >/dev/null; then
  echo "salonsim: fuzzing needs clang and libFuzzer: run scripts/setup.sh --fuzz" >&2
  exit 1
fi
if [[ -n "${SALONSIM_FUZZ_WORK_DIR:-}" ]]; then
  work=$SALONSIM_FUZZ_WORK_DIR
  keep=true
  mkdir -p "$work"
else
  work=$(mktemp -d -t salonsim-fuzz.XXXXXX)
  keep=false
fi
mkdir -p "$work/findings"

# The libraries are instrumented for coverage and the sanitizers; the targets add libFuzzer's
# main (tests/fuzz/CMakeLists.txt).
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
flags+=" -fno-omit-frame-pointer"
echo "salonsim: building the fuzz targets with clang in $build_dir (log: $work/build.log)" >&2
started=$(date +%s)
if ! {
  CC=clang CXX=clang++ cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSALONSIM_FUZZ=ON "-DCMAKE_CXX_FLAGS=$flags" -DSALONSIM_MPI=OFF -DSALONSIM_BUILD_BENCH=OFF &&
    cmake --build "$build_dir" --target "${targets[@]/#/fuzz_}" -j "$(nproc)"
} >"$work/build.log" 2>&1; then
  echo "salonsim: the fuzz build failed; the end of $work/build.log:" >&2
  tail -n 60 "$work/build.log" >&2
  exit 1
fi
echo "salonsim: built in $(($(date +%s) - started)) s" >&2

per_target=$((seconds / ${#targets[@]}))
((per_target >= 1)) || per_target=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
failed=()
for target in "${targets[@]}"; do
  corpus=$work/corpus/$target
  mkdir -p "$corpus"
  cp -n tests/fuzz/corpus/"$target"/* "$corpus"/
  before=$(find "$corpus" -type f | wc -l)
  log=$work/$target.log
  status=0
  "$build_dir/tests/fuzz/fuzz_$target" "$corpus" -dict=tests/fuzz/scenario.dict \
    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -max_total_time="$per_target" \
    -print_final_stats=1 -artifact_prefix="$work/findings/$target-" </dev/null >"$log" 2>&1 ||
    status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  after=$(find "$corpus" -type f | wc -l)
  if ((status == 0)); then
    echo "salonsim: fuzz_$target: ${per_target} s, ${runs:-?} runs, corpus $before -> $after" \
      "inputs, nothing found" >&2
  else
    failed+=("$target")
    echo "salonsim: fuzz_$target FOUND A PROBLEM (exit $status) after ${runs:-?} runs;" \
      "the end of $log:" >&2
    tail -n 60 "$log" >&2
  fi
done

if $merge; then
  for target in "${targets[@]}"; do
    "$build_dir/tests/fuzz/fuzz_$target" -merge=1 -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 "tests/fuzz/corpus/$target" "$work/corpus/$target" \
      </dev/null >"$work/$target-merge.log" 2>&1 ||
      { echo "salonsim: merging $target failed: $work/$target-merge.log" >&2; exit 1; }
    echo "salonsim: tests/fuzz/corpus/$target now holds" \
      "$(find "tests/fuzz/corpus/$target" -type f | wc -l) inputs" >&2
  done
fi

if ((${#failed[@]} > 0)); then
  echo "salonsim: fuzzing found problems in: ${failed[*]}; the inputs: $work/findings/" >&2
  ls -l "$work/findings" >&2
  echo "salonsim: reproduce one with $build_dir/tests/fuzz/fuzz_<target> <input>, or in any" \
    "build with fuzz_replay <target> <input>" >&2
  exit 1
fi
$keep || rm -rf "$work"
