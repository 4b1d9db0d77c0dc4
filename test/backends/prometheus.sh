#!/usr/bin/env bash
# Prometheus and promtool from Debian 12's `prometheus` package (2.42), unpacked with dpkg -x
# into the cache: no service is installed or started (apt-get install would start one on :9090).
BACKEND_NAME=prometheus
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR="$OBSYNTH_CACHE/prometheus-debian"
BIN="$DIR/root/usr/bin/prometheus"
PROMTOOL="$DIR/root/usr/bin/promtool"

is_cached() {
  [ -x "$BIN" ] && [ -x "$PROMTOOL" ] && "$BIN" --version >/dev/null 2>&1 && "$PROMTOOL" --version >/dev/null 2>&1
}

# We rely on the remote-write receiver flag and on the tsdb out_of_order_time_window setting
# (Prometheus >= 2.39).
verify() {
  local help; help="$("$BIN" --help 2>&1 || true)"
  grep -q -- '--web.enable-remote-write-receiver' <<<"$help" \
    || die "$("$BIN" --version | head -1) has no --web.enable-remote-write-receiver"
  local version
  version="$("$BIN" --version 2>&1 | sed -n 's/^prometheus, version \([0-9]*\.[0-9]*\).*/\1/p')"
  [ -n "$version" ] || die "cannot read the version of $BIN"
  local major=${version%%.*} minor=${version#*.}
  if [ "$major" -lt 2 ] || { [ "$major" -eq 2 ] && [ "$minor" -lt 39 ]; }; then
    die "prometheus $version is too old: out_of_order_time_window needs 2.39 or newer"
  fi
}

install() {
  if is_cached; then
    verify
    say "cached: $("$BIN" --version 2>&1 | head -1) at $BIN"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get is needed to fetch Debian's prometheus package"
  if ! apt-cache show prometheus >/dev/null 2>&1; then
    say "apt lists do not know the prometheus package yet: apt-get update"
    timed apt-get update -qq
  fi
  local tmp; tmp="$(mktemp -d)"
  say "downloading Debian's prometheus package ($(apt-cache policy prometheus | sed -n 's/ *Candidate: //p'))"
  (cd "$tmp" && timed apt-get download -qq -o APT::Sandbox::User=root prometheus)
  rm -rf "$DIR"
  mkdir -p "$DIR"
  say "unpacking $(basename "$tmp"/prometheus_*.deb) into $DIR/root"
  dpkg -x "$tmp"/prometheus_*.deb "$DIR/root"
  rm -rf "$tmp"
  is_cached || die "unpacked package has no working prometheus/promtool under $DIR/root/usr/bin"
  verify
  say "installed: $("$BIN" --version 2>&1 | head -1); promtool at $PROMTOOL"
}

case "${1:-}" in
  install) install ;;
  path) echo "$BIN" ;;
  promtool-path) echo "$PROMTOOL" ;;
  check) is_cached ;;
  *) usage ;;
esac
