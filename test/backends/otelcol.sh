#!/usr/bin/env bash
# OpenTelemetry Collector for the tests, built with the collector builder from Go modules.
# Components: see otelcol-builder.yaml beside this script. First build: ~4 min on 2 cores
# (plus ~1 min for the builder itself); later runs find the cached binary and return at once.
BACKEND_NAME=otelcol
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OTELCOL_VERSION=0.161.0
MANIFEST="$BACKENDS_DIR/otelcol-builder.yaml"
DIR="$OBSYNTH_CACHE/otelcol-$OTELCOL_VERSION"
BIN="$DIR/otelcol-obsynth"
STAMP="$DIR/manifest.sha256"

run_builder() { (cd "$2" && "$1" --config=manifest.yaml > build.log 2>&1); }

manifest_sum() { sha256sum "$MANIFEST" | cut -d' ' -f1; }

is_cached() {
  [ -x "$BIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(manifest_sum)" ] \
    && [[ "$("$BIN" --version 2>/dev/null)" == *"$OTELCOL_VERSION"* ]]
}

install() {
  if is_cached; then
    say "cached: $("$BIN" --version) at $BIN"
    return 0
  fi
  [ -x "$BIN" ] && say "cached binary is stale (manifest changed or --version failed): rebuilding"
  use_go_cache
  local builder="$OBSYNTH_CACHE/go/bin/builder-v$OTELCOL_VERSION"
  if ! "$builder" version >/dev/null 2>&1; then
    say "installing the collector builder v$OTELCOL_VERSION (go install)"
    local gobin; gobin="$(mktemp -d)"
    timed env GOBIN="$gobin" go install "go.opentelemetry.io/collector/cmd/builder@v$OTELCOL_VERSION"
    mkdir -p "$(dirname "$builder")"
    mv "$gobin/builder" "$builder"
    rmdir "$gobin"
  fi
  say "building the collector from $MANIFEST (minutes on a cold cache)"
  local work="$DIR/build"
  rm -rf "$work"
  mkdir -p "$work"
  cp "$MANIFEST" "$work/manifest.yaml"
  if ! timed run_builder "$builder" "$work"; then
    tail -n 40 "$work/build.log" >&2
    die "collector build failed; full log: $work/build.log"
  fi
  mv "$work/dist/otelcol-obsynth" "$BIN"
  manifest_sum > "$STAMP"
  rm -rf "$work/dist"   # generated sources; build.log stays for reference
  say "built: $("$BIN" --version) at $BIN"
}

case "${1:-}" in
  install) install ;;
  path) echo "$BIN" ;;
  check) is_cached ;;
  *) usage ;;
esac
