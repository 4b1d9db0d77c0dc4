#!/usr/bin/env bash
# moto's server (CloudWatch Logs and CloudWatch metrics/alarms), installed with pip into a
# virtualenv in the cache from the pinned moto-requirements.txt beside this script.
# First install: ~30 s; later runs find the virtualenv and return at once.
BACKEND_NAME=moto
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MOTO_VERSION=5.2.5   # must match moto-requirements.txt
REQUIREMENTS="$BACKENDS_DIR/moto-requirements.txt"
DIR="$OBSYNTH_CACHE/moto-$MOTO_VERSION"
VENV="$DIR/venv"
BIN="$VENV/bin/moto_server"
STAMP="$DIR/requirements.sha256"

requirements_sum() { sha256sum "$REQUIREMENTS" | cut -d' ' -f1; }

installed_version() {
  "$VENV/bin/python" -c 'import moto, flask, flask_cors; print(moto.__version__)' 2>/dev/null
}

is_cached() {
  [ -x "$BIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(requirements_sum)" ] \
    && [ "$(installed_version)" = "$MOTO_VERSION" ]
}

pip_install() { "$VENV/bin/pip" install --disable-pip-version-check -r "$REQUIREMENTS" >"$DIR/install.log" 2>&1; }

install() {
  if is_cached; then
    say "cached: moto $MOTO_VERSION at $BIN"
    return 0
  fi
  grep -q "^moto\[.*\]==$MOTO_VERSION\$" "$REQUIREMENTS" || die "MOTO_VERSION=$MOTO_VERSION in $0 does not match $REQUIREMENTS"
  local python; python="$(command -v python3 || true)"
  [ -n "$python" ] || die "python3 is not on PATH; it is needed for moto's server"
  [ -d "$VENV" ] && say "cached virtualenv is stale (requirements changed or moto is broken): recreating"
  rm -rf "$VENV" "$STAMP"
  mkdir -p "$DIR"
  say "creating a virtualenv with $("$python" --version 2>&1) at $VENV"
  "$python" -m venv "$VENV" || die "\`$python -m venv\` failed (on Debian: apt-get install python3-venv)"
  say "installing moto $MOTO_VERSION from $REQUIREMENTS"
  if ! timed pip_install; then
    tail -n 40 "$DIR/install.log" >&2
    die "pip install failed; full log: $DIR/install.log"
  fi
  requirements_sum >"$STAMP"
  is_cached || die "installed, but $VENV does not import moto $MOTO_VERSION with flask and flask_cors"
  say "installed: moto $MOTO_VERSION at $BIN"
}

case "${1:-}" in
  install) install ;;
  path) echo "$BIN" ;;
  check) is_cached ;;
  *) usage ;;
esac
