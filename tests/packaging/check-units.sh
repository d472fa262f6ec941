#!/usr/bin/env bash
# CI check of the packaging (TAP): systemd-analyze verify on every unit we
# ship or put in the image, the hub's systemd-analyze security score (<= 2.0),
# and bash -n on the packaging scripts. The full package test is
# tests/packaging/test-debs.sh (minutes; run by hand or in a nightly job).
# Usage: check-units.sh SOURCE_ROOT BUILD_ROOT
set -uo pipefail
src=$1
build=$2
n=0
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $1"; shift; printf '# %s\n' "$@"; }

if ! command -v systemd-analyze >/dev/null; then
  echo "1..0 # SKIP systemd-analyze not installed"
  exit 0
fi

# Point ExecStart at what exists here: our programs in the build tree, the
# image's scripts in the source tree, anything else (cage) at /bin/true.
local_copy() {
  local unit=$1 out="$work/$(basename "$1")"
  sed -E \
    -e "s#/usr/lib/curbside/#$src/packaging/image/overlay/usr/lib/curbside/#g" \
    -e "s#/usr/bin/cage#/bin/true#g" \
    -e "s#/usr/bin/curbside-hub#$build/hub/curbside-hub#g" \
    -e "s#/usr/bin/curbside-(kiosk|staging)#/bin/true#g" "$unit" > "$out"
  echo "$out"
}

units=("$src"/packaging/systemd/*.service "$src"/packaging/image/overlay/etc/systemd/system/*.service)
for unit in "${units[@]}"; do
  name=$(basename "$unit")
  out=$(systemd-analyze verify --man=no "$(local_copy "$unit")" 2>&1 | grep -F "$name" || true)
  if [ -z "$out" ]; then ok "systemd-analyze verify $name"; else not_ok "systemd-analyze verify $name" "$out"; fi
done

hub="$src/packaging/systemd/curbside-hub.service"
report=$(systemd-analyze security --offline=true --threshold=20 "$hub" 2>&1)
status=$?
score=$(echo "$report" | sed -n 's/.*Overall exposure level for curbside-hub.service: \([0-9.]*\).*/\1/p')
if [ $status -eq 0 ] && [ -n "$score" ]; then
  ok "systemd-analyze security curbside-hub.service: $score <= 2.0"
else
  not_ok "systemd-analyze security curbside-hub.service: '$score' (want <= 2.0)" "$(echo "$report" | tail -n 5)"
fi

for script in "$src"/scripts/build-debs "$src"/packaging/image/{build-image,boot-test,ensure-base} \
              "$src"/tests/packaging/test-debs.sh; do
  if out=$(bash -n "$script" 2>&1); then ok "bash -n ${script#$src/}"; else not_ok "bash -n ${script#$src/}" "$out"; fi
done
for script in "$src"/packaging/image/overlay/usr/lib/curbside/* "$src"/packaging/debian/*.post*; do
  if out=$(sh -n "$script" 2>&1); then ok "sh -n ${script#$src/}"; else not_ok "sh -n ${script#$src/}" "$out"; fi
done

echo "1..$n"
[ $failures -eq 0 ]
