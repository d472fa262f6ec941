#!/usr/bin/env bash
# LAN attacks at full size: the attack matrix, then 1,100 slow TLS clients
# against a hub limited to 1,024 file descriptors (systemd's default soft
# LimitNOFILE), and the systemd-analyze exposure of the hub's unit.
#
#   tests/reliability/run-lan-attacks.sh [BUILD-DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-${CURB_BUILD_DIR:-/tmp/build-reliability}}" && pwd)
export CURB_BUILD_ROOT=$build G_DEBUG=fatal-warnings LC_ALL=C.UTF-8
"$build/tests/reliability/test-lan-attacks" --verbose 2>&1 | grep -v -- '-DEBUG:'
CURB_ATTACK_SLOW_CLIENTS=1100 CURB_RIG_HUB_WRAPPER="prlimit --nofile=1024:1024 --" \
  "$build/tests/reliability/test-lan-attacks" -p /lan-attacks/slow-clients --verbose 2>&1 | grep -v -- '-DEBUG:'
systemd-analyze security --offline=true "$src/packaging/systemd/curbside-hub.service" | tail -1
