#!/bin/sh
# install.sh ENV_DIR — the pinned Vendure packages (package.json + package-lock.json)
# and the compiled Curbside plugin in ENV_DIR. npm runs only when the pinned
# inputs changed (a hash stamp); the plugin is recompiled when its sources did.
# Env: CURB_NPM_CACHE (default /var/tmp/curbside-npm-cache), NPM, NODE.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
env_dir=${1:?usage: install.sh ENV_DIR}
npm=${NPM:-npm}
node=${NODE:-node}
cache=${CURB_NPM_CACHE:-/var/tmp/curbside-npm-cache}

major=$("$node" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  echo "install.sh: Vendure 3.7 needs Node.js >= 20, found $("$node" --version 2>/dev/null || echo none)" >&2
  exit 77
fi

mkdir -p "$env_dir"
stamp="$env_dir/.pinned-$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -c1-16)-node$major"
if [ ! -f "$stamp" ]; then
  rm -rf "$env_dir/node_modules" "$env_dir"/.pinned-*
  cp "$here/package.json" "$here/package-lock.json" "$env_dir/"
  # No prebuilt better-sqlite3 binaries can be downloaded: build against the local Node headers.
  nodedir=$(dirname "$(dirname "$(command -v "$node")")")
  [ -f "$nodedir/include/node/node.h" ] || nodedir=/usr
  (cd "$env_dir" && npm_config_build_from_source=true npm_config_nodedir="$nodedir" \
     "$npm" ci --no-audit --no-fund --loglevel=error --prefer-offline --cache "$cache")
  touch "$stamp"
fi

# The harness runs from ENV_DIR/app so that it and the compiled plugin resolve
# @vendure/core from ENV_DIR/node_modules.
app="$env_dir/app"
mkdir -p "$app/plugin"
if ! diff -rq "$here/plugin" "$app/plugin" >/dev/null 2>&1 || [ ! -f "$app/dist/.built" ]; then
  rm -rf "$app/plugin" "$app/dist"
  cp -r "$here/plugin" "$app/plugin"
  cp "$here/tsconfig.json" "$app/"
  (cd "$app" && "$node" ../node_modules/typescript/bin/tsc -p tsconfig.json --outDir dist)
  touch "$app/dist/.built"
fi
cp "$here"/*.js "$app/"
