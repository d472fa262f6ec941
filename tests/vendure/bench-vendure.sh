#!/bin/sh
# Seeds 5,000 pickup orders into a fresh local Vendure (Shop API checkouts,
# 16 in parallel), then measures the hub's initial sync against Vendure's raw
# page rate for the same query, and the lag of a change in Vendure.
# Takes several minutes. JSON lines on stdout.
#   tests/vendure/bench-vendure.sh [BUILDDIR]   (env: BENCH_ORDERS, BENCH_POLL_S, BENCH_PAGE)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
ninja -C "$build" tests/vendure/bench-vendure >&2
export CURB_SOURCE_ROOT="$here/../.." CURB_BUILD_ROOT="$(cd "$build" && pwd)"
exec "$build/tests/vendure/bench-vendure"
