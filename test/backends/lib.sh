# Shared helpers for test/backends/*.sh (sourced, not run).
# Everything is cached outside the repo, under ${OBSYNTH_CACHE:-$HOME/.cache/obsynth}, so a
# build happens once per machine, not once per checkout or test run.
set -euo pipefail

OBSYNTH_CACHE="${OBSYNTH_CACHE:-$HOME/.cache/obsynth}"
BACKENDS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

say() { printf '[%s] %s\n' "${BACKEND_NAME:-backends}" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# Go builds use their own GOPATH / module cache / build cache inside the obsynth cache, and the
# machine's own Go (no toolchain download).
use_go_cache() {
  command -v go >/dev/null 2>&1 || die "the Go toolchain (go) is not on PATH; it is needed to build ${BACKEND_NAME:-this backend}"
  export GOPATH="$OBSYNTH_CACHE/go"
  export GOMODCACHE="$OBSYNTH_CACHE/go/mod"
  export GOCACHE="$OBSYNTH_CACHE/go/build-cache"
  export GOTOOLCHAIN=local
  say "using $(go version) with GOPATH=$GOPATH"
}

# Runs "$@" and reports how long it took; keeps its exit status.
timed() {
  local start=$SECONDS rc=0
  "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then say "done in $((SECONDS - start))s: $*"; else say "failed (exit $rc) after $((SECONDS - start))s: $*"; fi
  return "$rc"
}

usage() {
  cat >&2 <<USAGE
usage: $0 install   build or unpack the binary into the cache (idempotent; instant when cached)
       $0 path      print the cached binary's path (it may not exist yet)
       $0 check     exit 0 when the cached binary exists and runs
USAGE
  exit 2
}
