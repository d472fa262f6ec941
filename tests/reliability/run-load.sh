#!/usr/bin/env bash
# Load at full length: 50 kiosks, 20 staging stations, 10 check-ins/s for
# SECONDS (default 1800 = 30 minutes) against the real hub; prints the alert
# latency percentiles, the hub's memory and descriptors. With ASAN-BUILD-DIR
# (a build configured with -Db_sanitize=address,undefined) it runs there,
# i.e. against a sanitized hub (set CURB_LOAD_MAX_GROWTH_MIB=512 there: ASan's
# quarantine is not a leak). Three slow clients (a stream opened, nothing
# read) run alongside; the hub must drop them and not grow.
#
#   tests/reliability/run-load.sh [SECONDS] [BUILD-DIR]
set -euo pipefail
build=$(cd "${2:-${CURB_BUILD_DIR:-/tmp/build-reliability}}" && pwd)
export CURB_LOAD_SECONDS=${1:-1800} CURB_BUILD_ROOT=$build G_DEBUG=fatal-warnings LC_ALL=C.UTF-8
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
"$build/tests/reliability/test-load" --verbose 2>&1 | grep -v -- '-DEBUG:'
