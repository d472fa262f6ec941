#!/usr/bin/env bash
# kill -9 the hub during check-in bursts ITERATIONS times (default 1000) and
# check every acknowledged check-in survived once. Usage:
#   tests/reliability/run-kill-loop.sh [BUILD_DIR] [ITERATIONS]
set -euo pipefail
build=${1:-_build}
export CURB_KILL_ITERATIONS=${2:-1000}
export CURB_BUILD_ROOT=$(cd "$build" && pwd)
exec "$CURB_BUILD_ROOT/tests/reliability/test-hub-kill" --verbose
