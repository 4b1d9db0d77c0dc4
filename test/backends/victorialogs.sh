#!/usr/bin/env bash
# VictoriaLogs (Apache-2.0), built with `go install` from its Go module. It takes the Loki push
# API (/insert/loki/api/v1/push) and answers LogsQL queries, so tests read back Loki pushes.
# First build: about a minute on 2 cores; later runs find the cached binary at once.
BACKEND_NAME=victorialogs
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VL_VERSION=v1.52.1
DIR="$OBSYNTH_CACHE/victorialogs-$VL_VERSION"
BIN="$DIR/victoria-logs"

is_cached() { [ -x "$BIN" ] && [[ "$("$BIN" -version 2>/dev/null)" == *"$VL_VERSION"* ]]; }

install() {
  if is_cached; then
    say "cached: $("$BIN" -version) at $BIN"
    return 0
  fi
  use_go_cache
  say "building VictoriaLogs $VL_VERSION (go install, pure Go: CGO_ENABLED=0)"
  local gobin; gobin="$(mktemp -d)"
  # The version string is normally stamped by its Makefile; stamp it the same way.
  timed env GOBIN="$gobin" CGO_ENABLED=0 go install \
    -ldflags "-X github.com/VictoriaMetrics/VictoriaMetrics/lib/buildinfo.Version=victoria-logs-$VL_VERSION" \
    "github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@$VL_VERSION"
  mkdir -p "$DIR"
  mv "$gobin/victoria-logs" "$BIN"
  rmdir "$gobin"
  is_cached || die "built $BIN but it does not report $VL_VERSION"
  say "built: $("$BIN" -version) at $BIN"
}

case "${1:-}" in
  install) install ;;
  path) echo "$BIN" ;;
  check) is_cached ;;
  *) usage ;;
esac
