#!/usr/bin/env bash
# Spotlight (Sentry's local receiver, npm @spotlightjs/spotlight, Apache-2.0) is a pinned
# devDependency, so `npm ci` installs it; there is nothing to build. `install` only checks that
# node_modules holds the pinned versions (hono included: see below) and that Spotlight loads.
# The server is run by spotlight-server.mjs beside this script (started by startSpotlight()).
BACKEND_NAME=spotlight
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SPOTLIGHT_VERSION=4.11.8   # package.json devDependencies
# package.json `overrides`: hono >= 4.12.32 answers every Spotlight 4.11.8 request with 500
# (its query object lost its prototype: "ctx.req.query(...).toString is not a function").
HONO_VERSION=4.12.31
REPO="$(cd "$BACKENDS_DIR/../.." && pwd)"
RUNNER="$BACKENDS_DIR/spotlight-server.mjs"

installed_version() { # <package>
  node -e 'try { console.log(require(process.argv[1] + "/package.json").version) } catch { process.exit(1) }' \
    "$REPO/node_modules/$1" 2>/dev/null
}

is_cached() {
  [ "$(installed_version @spotlightjs/spotlight)" = "$SPOTLIGHT_VERSION" ] \
    && [ "$(installed_version hono)" = "$HONO_VERSION" ] \
    && (cd "$REPO" && node --input-type=module -e 'await import("@spotlightjs/spotlight")') >/dev/null 2>&1
}

install() {
  command -v node >/dev/null 2>&1 || die "node is not on PATH"
  if is_cached; then
    say "installed: @spotlightjs/spotlight $SPOTLIGHT_VERSION with hono $HONO_VERSION (npm ci); runner $RUNNER"
    return 0
  fi
  die "node_modules does not hold @spotlightjs/spotlight $SPOTLIGHT_VERSION with hono $HONO_VERSION" \
    "(found: spotlight $(installed_version @spotlightjs/spotlight || echo none), hono $(installed_version hono || echo none)): run \`npm ci\` in $REPO"
}

case "${1:-}" in
  install) install ;;
  path) echo "$RUNNER" ;;
  check) is_cached ;;
  *) usage ;;
esac
