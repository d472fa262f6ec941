#!/usr/bin/env bash
# The WAN fault test at full size: 120 events through the fault mix, both
# outage kinds measured with the default settings, and the 72-hour outage
# compressed 1000× (about 4.5 minutes) instead of CI's 20000×.
#
#   tests/reliability/run-wan-faults.sh [BUILD-DIR] [COMPRESSION]
set -euo pipefail
build=${1:-${CURB_BUILD_DIR:-/tmp/build-reliability}}
export CURB_WAN_EVENTS=120 CURB_WAN_ALL_OUTAGES=1 CURB_WAN_COMPRESSION=${2:-1000}
export G_DEBUG=fatal-warnings LC_ALL=C.UTF-8
exec "$build/tests/reliability/test-wan-faults" --verbose 2>&1 | grep -v -- '-DEBUG:'
