#!/bin/sh
# A local Vendure with the Curbside plugin for the demo, on 127.0.0.1.
# Installs the pinned packages (once, ~2 minutes), starts Vendure, places a
# few pickup orders for store-001 through the Shop API checkout (first start
# only), and writes what the hub needs next to it:
#   $dir/vendure.credentials   superadmin:superadmin (mode 0600)
#   $dir/keyring               the plugin's token key as a hub keyring line
# Env: VENDURE_PORT (3000), SEED_ORDERS (5), CURB_VENDURE_DIR
# (default ~/.cache/curbside-vendure). Ctrl-C stops Vendure; data is kept.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${CURB_VENDURE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/curbside-vendure}
port=${VENDURE_PORT:-3000}
orders=${SEED_ORDERS:-5}
url="http://127.0.0.1:$port"

"$here/install.sh" "$dir/env"
mkdir -p "$dir/data"
umask 077
printf 'superadmin:superadmin\n' > "$dir/vendure.credentials"

cd "$dir/env/app"
VENDURE_PORT=$port VENDURE_DATA_DIR="$dir/data" node server.js &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; exit 0' INT TERM
tries=0
until node -e "fetch('$url/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; do
  tries=$((tries + 1))
  [ $tries -lt 120 ] || { echo "run-vendure: Vendure did not start" >&2; kill $pid; exit 1; }
  sleep 1
done

if [ ! -f "$dir/data/seeded.jsonl" ]; then
  node seed.js --url "$url" --orders "$orders" --store store-001 > "$dir/data/seeded.jsonl.part"
  mv "$dir/data/seeded.jsonl.part" "$dir/data/seeded.jsonl"
fi
node -e '
const [magic, kid, secret] = require("fs").readFileSync(process.argv[1], "utf8").trim().split(/\s+/);
console.log(`${kid} ${Buffer.from(secret, "base64").subarray(32).toString("base64")}`);
' "$dir/data/pickup-token.key" > "$dir/keyring"

cat <<EOF
Vendure with the Curbside plugin: $url  (Admin API $url/admin-api, superadmin / superadmin)
Pickup orders placed (codes and QR tokens): $dir/data/seeded.jsonl
Point the hub at it, in hub.conf:
  [central]
  connector = vendure
  url = $url
  credentials-file = $dir/vendure.credentials
  [tokens]
  keyring = $dir/keyring
More orders: (cd $dir/env/app && node seed.js --url $url --orders 3)
EOF
wait $pid
