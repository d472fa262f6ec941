#!/usr/bin/env bash
# Installs the built Curbside packages into a clean Debian 12 root, checks
# them (system users, units, systemd-analyze verify and security, binaries,
# the shipped config, conffiles), purges them and checks nothing is left.
#
# Usage: tests/packaging/test-debs.sh [DEBS_DIR]   (as root; default _build/debs,
# as written by scripts/build-debs). Needs a Debian mirror for the
# dependencies; the clean root is debootstrapped once and cached
# (packaging/image/ensure-base). Takes a few minutes; not part of CI.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
debs=$(realpath "${1:-$src/_build/debs}")
packages="curbside-common curbside-hub curbside-kiosk curbside-staging curbside-tools"
failures=0

base=$("$src/packaging/image/ensure-base")
root=$(mktemp -d /var/tmp/curbside-debtest-XXXXXX)
files=$(mktemp)
cleanup() {
  for m in dev/pts dev proc sys; do
    if mountpoint -q "$root/$m"; then umount -l "$root/$m"; fi
  done
  rm -rf "$root" "$files"
}
trap cleanup EXIT

pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi; }
in_root() { chroot "$root" "$@"; }

echo "# clean root: copy of $base"
cp -a "$base/." "$root/"
mount --bind /proc "$root/proc"; mount --bind /sys "$root/sys"
mount --bind /dev "$root/dev"; mount --bind /dev/pts "$root/dev/pts"
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"; chmod +x "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/tmp/debs"
for p in $packages; do cp "$debs/${p}"_*.deb "$root/tmp/debs/"; done

echo "# install"
in_root apt-get update -qq
if DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -qq --no-install-recommends \
     $(cd "$root" && printf '/%s ' tmp/debs/*.deb) \
     > "$root/tmp/install.log" 2>&1; then
  pass "apt-get install of $packages"
else
  fail "apt-get install"; tail -n 30 "$root/tmp/install.log"; exit 1
fi
for p in $packages; do
  in_root dpkg -L "$p" | while read -r f; do [ -d "$root$f" ] || echo "$f"; done
done | sort -u > "$files"

echo "# system users"
for u in curbside-hub curbside-kiosk curbside-staging; do
  line=$(in_root getent passwd "$u" || true)
  uid=$(echo "$line" | cut -d: -f3)
  shell=$(echo "$line" | cut -d: -f7)
  if [ -n "$line" ] && [ "$uid" -lt 1000 ] && [ "$shell" = /usr/sbin/nologin ]; then
    pass "system user $u (uid $uid, no login shell)"
  else
    fail "system user $u: '$line'"
  fi
done
check "curbside-kiosk may use the camera and printers (groups video, lp)" \
  sh -c "chroot '$root' id -nG curbside-kiosk | grep -qw video && chroot '$root' id -nG curbside-kiosk | grep -qw lp"

echo "# units"
for unit in curbside-hub.service curbside-kiosk-session.service curbside-staging-session.service; do
  check "$unit installed" test -f "$root/lib/systemd/system/$unit"
  out=$(in_root systemd-analyze verify "/lib/systemd/system/$unit" 2>&1 | grep -i curbside || true)
  if [ -z "$out" ]; then pass "systemd-analyze verify $unit"; else fail "systemd-analyze verify $unit: $out"; fi
done
check "curbside-hub.service enabled" test -L "$root/etc/systemd/system/multi-user.target.wants/curbside-hub.service"
check "session units not enabled (the image or IT picks one)" \
  sh -c "! ls '$root'/etc/systemd/system/*/curbside-*-session.service 2>/dev/null"
score=$(in_root systemd-analyze security --offline=true /lib/systemd/system/curbside-hub.service 2>&1 \
        | sed -n 's/.*Overall exposure level for curbside-hub.service: \([0-9.]*\).*/\1/p')
if [ -n "$score" ] && awk "BEGIN{exit !($score <= 2.0)}"; then
  pass "systemd-analyze security curbside-hub.service: $score (<= 2.0)"
else
  fail "systemd-analyze security curbside-hub.service: '$score'"
fi

echo "# binaries and config"
check "curbside-ctl version" in_root curbside-ctl version
check "curbside-hub --version" in_root curbside-hub --version
check "curbside-kiosk --help" in_root curbside-kiosk --help
check "curbside-staging --help" in_root curbside-staging --help
for role in hub kiosk staging; do
  check "shipped /etc/curbside/$role.conf passes curbside-ctl config check" \
    in_root curbside-ctl config check "/etc/curbside/$role.conf" --role "$role"
done
ready=$(in_root timeout 10 runuser -u curbside-hub -- curbside-hub --config /etc/curbside/hub.conf \
          --data-dir /tmp/hub-data --listen 127.0.0.1:0 --no-sync 2>/dev/null | head -n 1 || true)
case "$ready" in READY\ https://127.0.0.1:*) pass "curbside-hub starts as its user: $ready" ;;
                 *) fail "curbside-hub did not start: '$ready'" ;; esac
for p in hub kiosk staging; do
  check "/etc/curbside/$p.conf is a conffile of curbside-$p" \
    sh -c "chroot '$root' dpkg-query -W -f='\${Conffiles}' curbside-$p | grep -q ' /etc/curbside/$p.conf '"
done

echo "# purge"
mkdir -p "$root/var/lib/curbside-hub"; in_root chown curbside-hub: /var/lib/curbside-hub
touch "$root/var/lib/curbside-hub/store.db"
echo "# local edit" >> "$root/etc/curbside/hub.conf"
if DEBIAN_FRONTEND=noninteractive in_root apt-get purge -y -qq $packages > "$root/tmp/purge.log" 2>&1; then
  pass "apt-get purge"
else
  fail "apt-get purge"; tail -n 20 "$root/tmp/purge.log"
fi
left=$(in_root dpkg -l 'curbside-*' 2>/dev/null | awk '/^[a-z][a-z] /{print $1, $2}' | grep -v '^un ' || true)
if [ -z "$left" ]; then pass "no curbside package known to dpkg"; else fail "dpkg still lists: $left"; fi
leftover=$(while read -r f; do [ -e "$root$f" ] || [ -L "$root$f" ] && echo "$f"; done < "$files" || true)
if [ -z "$leftover" ]; then pass "every packaged file is gone"; else fail "left: $leftover"; fi
named=$(cd "$root" && find . -xdev -name '*curbside*' ! -path './tmp/*' 2>/dev/null || true)
if [ -z "$named" ]; then pass "nothing named curbside left (config, state, unit links)"; else fail "left: $named"; fi
users=$(in_root getent passwd curbside-hub curbside-kiosk curbside-staging | cut -d: -f1 | xargs || true)
echo "# system users kept after purge, as Debian policy recommends (files may still belong to them): $users"

if [ "$failures" -eq 0 ]; then echo "# PASS"; else echo "# FAIL: $failures checks"; exit 1; fi
