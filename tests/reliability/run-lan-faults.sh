#!/usr/bin/env bash
# LAN faults at full size: 1,200 check-ins from 6 kiosks, 4 stream
# subscribers, 40 hub restarts (SIGKILL/SIGTERM in turn), half the clients
# through a relay that resets connections every 0.2–1.5 s.
#
#   tests/reliability/run-lan-faults.sh [BUILD-DIR] [ORDERS] [RESTARTS]
set -euo pipefail
build=$(cd "${1:-${CURB_BUILD_DIR:-/tmp/build-reliability}}" && pwd)
export CURB_LAN_ORDERS=${2:-1200} CURB_LAN_RESTARTS=${3:-40}
export CURB_BUILD_ROOT=$build G_DEBUG=fatal-warnings LC_ALL=C.UTF-8
"$build/tests/reliability/test-lan-faults" --verbose 2>&1 | grep -v -- '-DEBUG:'
