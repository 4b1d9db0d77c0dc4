#!/usr/bin/env bash
# kube-apiserver and etcd for the Kubernetes Events tests, built from Go modules (no Docker, no
# release downloads). The wrapper module in kubernetes/ (go.mod + go.sum) requires
# k8s.io/kubernetes and replaces each staging module with its published version, so the two
# commands build with plain `go build` (see the comment in kubernetes/go.mod).
# First build: ~10-15 min on 2 cores and ~1 GB more module + build cache; later runs find the
# cached binaries and return at once.
BACKEND_NAME=kubernetes
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

K8S_VERSION=v1.34.12   # must match kubernetes/go.mod
ETCD_VERSION=3.6.4     # what that release pins (go.etcd.io/etcd/server/v3 in kubernetes/go.mod)
MODULE="$BACKENDS_DIR/kubernetes"
DIR="$OBSYNTH_CACHE/kubernetes-$K8S_VERSION"
APISERVER="$DIR/kube-apiserver"
ETCD="$DIR/etcd"
STAMP="$DIR/module.sha256"

module_sum() { cat "$MODULE/go.mod" "$MODULE/go.sum" | sha256sum | cut -d' ' -f1; }

is_cached() {
  [ -x "$APISERVER" ] && [ -x "$ETCD" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(module_sum)" ] \
    && [[ "$("$APISERVER" --version 2>/dev/null)" == "Kubernetes $K8S_VERSION" ]] \
    && [[ "$("$ETCD" --version 2>/dev/null)" == *"etcd Version: $ETCD_VERSION"* ]]
}

# go build from the wrapper module; go.mod/go.sum are read-only here (-mod=readonly), so a module
# file out of step with the pinned versions fails instead of being rewritten.
go_build() { # <output> <package> [ldflags]
  (cd "$MODULE" && CGO_ENABLED=0 go build -mod=readonly -trimpath -ldflags "-s -w ${3:-}" -o "$1" "$2") >>"$DIR/build.log" 2>&1
}

install() {
  if is_cached; then
    say "cached: $("$APISERVER" --version), etcd $ETCD_VERSION at $DIR"
    return 0
  fi
  [ -e "$APISERVER" ] && say "cached binaries are stale (module files changed or --version differs): rebuilding"
  grep -q "^require k8s.io/kubernetes $K8S_VERSION\$\|^	k8s.io/kubernetes $K8S_VERSION " "$MODULE/go.mod" \
    || die "K8S_VERSION=$K8S_VERSION in $0 does not match $MODULE/go.mod"
  use_go_cache
  mkdir -p "$DIR"
  : >"$DIR/build.log"
  local work; work="$(mktemp -d "$DIR/build.XXXXXX")"
  # kube-apiserver reports (and bases its compatibility version on) the stamped version; its
  # Makefile stamps these same variables.
  local v=k8s.io/component-base/version minor=${K8S_VERSION#v1.}
  minor=${minor%%.*}
  local ldflags="-X $v.gitVersion=$K8S_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean"
  say "building kube-apiserver $K8S_VERSION (go build; ~10 min on a cold cache; log: $DIR/build.log)"
  if ! timed go_build "$work/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver "$ldflags"; then
    tail -n 40 "$DIR/build.log" >&2
    die "kube-apiserver build failed; full log: $DIR/build.log"
  fi
  say "building etcd $ETCD_VERSION (go build)"
  if ! timed go_build "$work/etcd" go.etcd.io/etcd/server/v3; then
    tail -n 40 "$DIR/build.log" >&2
    die "etcd build failed; full log: $DIR/build.log"
  fi
  mv "$work/kube-apiserver" "$APISERVER"
  mv "$work/etcd" "$ETCD"
  rmdir "$work"
  module_sum >"$STAMP"
  is_cached || die "built $APISERVER and $ETCD, but they do not report Kubernetes $K8S_VERSION / etcd $ETCD_VERSION"
  say "built: $("$APISERVER" --version), etcd $ETCD_VERSION at $DIR"
}

case "${1:-}" in
  install) install ;;
  path) echo "$APISERVER" ;;
  etcd-path) echo "$ETCD" ;;
  check) is_cached ;;
  *) usage ;;
esac
