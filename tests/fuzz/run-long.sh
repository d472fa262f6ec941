#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for
# SECONDS (default 60), starting from its seed corpus in a scratch copy.
# Prints executions and crashes per target; exit status 1 if any crashed.
#
#   tests/fuzz/run-long.sh [SECONDS] [TARGET…]
#   CURB_FUZZ_BUILD_DIR=/tmp/x tests/fuzz/run-long.sh 600 token
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
shift || true
build=${CURB_FUZZ_BUILD_DIR:-/tmp/curbside-fuzz-build}
work=$(mktemp -d /tmp/curbside-fuzz-XXXXXX)

if [ ! -d "$build/meson-private" ]; then
  CC=clang CXX=clang++ meson setup "$build" "$src" -Dfuzzing=true -Dapps=false \
    -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized \
    -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for dir in "$src"/tests/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi
# only what runs (the hardware targets link C++: a build dir set up before
# CXX=clang++ was set here cannot link them; set it up again)
ninja -C "$build" -j2 "${targets[@]/#/tests/fuzz/fuzz-}" >/dev/null

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
export G_DEBUG=fatal-warnings
failed=0
printf '%-12s %12s %10s %8s\n' target executions exec/s crashes
for target in "${targets[@]}"; do
  corpus="$work/$target"
  mkdir -p "$corpus" "$work/$target-artifacts"
  cp -r "$src/tests/fuzz/corpus/$target/." "$corpus/"
  log="$work/$target.log"
  set +e
  "$build/tests/fuzz/fuzz-$target" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$work/$target-artifacts/" -max_len=65536 "$corpus" >"$log" 2>&1
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  crashes=$(find "$work/$target-artifacts" -type f | wc -l)
  # a g_error/critical under G_DEBUG=fatal-warnings traps before libFuzzer saves the input
  if [ -z "$runs" ] && [ "$crashes" -eq 0 ]; then crashes="1 (trap, see log)"; fi
  printf '%-12s %12s %10s %8s\n' "$target" "${runs:-?}" "${rate:-?}" "$crashes"
  if [ "$crashes" -gt 0 ] || [ -z "$runs" ]; then
    failed=1
    echo "  log: $log; artifacts: $work/$target-artifacts/" >&2
    grep -m5 -E 'ERROR|SUMMARY|runtime error' "$log" >&2 || true
  fi
done
echo "scratch corpora and logs: $work"
exit $failed
