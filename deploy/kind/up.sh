#!/usr/bin/env bash
# Creates the kind cluster "obsynth" (deploy/kind/cluster.yaml), builds the obsynth image and loads
# it into the cluster, applies deploy/k8s (namespaces, least-privilege RBAC, the sinks ConfigMap,
# a Job that replays the last hours as Events and a Deployment that keeps them coming), waits for
# it, and prints how to watch the events. Idempotent: rerun it after a change.
#   bash deploy/kind/up.sh            # KIND_CLUSTER_NAME, OBSYNTH_IMAGE override the defaults
#   bash deploy/kind/up.sh --shards   # also start the Indexed Job that generates a long history
#   kind delete cluster --name obsynth
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cluster="${KIND_CLUSTER_NAME:-obsynth}"
image="${OBSYNTH_IMAGE:-obsynth:0.1.0}"
context="kind-$cluster"

for tool in kind kubectl docker; do
  command -v "$tool" >/dev/null 2>&1 || { echo "up.sh: $tool is not installed" >&2; exit 2; }
done

if kind get clusters 2>/dev/null | grep -qx "$cluster"; then
  echo "kind cluster $cluster exists"
else
  kind create cluster --name "$cluster" --config "$here/cluster.yaml" --wait 120s
fi

echo "building $image"
docker build -t "$image" "$root"
kind load docker-image "$image" --name "$cluster"

# A Job's pod template cannot change: replace the history Job instead of patching it.
kubectl --context "$context" -n obsynth delete job obsynth-replay-history --ignore-not-found >/dev/null 2>&1 || true
kubectl --context "$context" apply -k "$root/deploy/k8s"
kubectl --context "$context" -n obsynth rollout status deployment/obsynth-live --timeout=180s

if [ "${1:-}" = "--shards" ]; then
  kubectl --context "$context" -n obsynth delete job obsynth-history-shards --ignore-not-found >/dev/null 2>&1 || true
  kubectl --context "$context" apply -k "$root/deploy/k8s/history-shards"
fi

cat <<MSG

obsynth is writing the shop's Kubernetes Events into $context.
Watch them arrive (the replayed history first, then live ones):
  kubectl --context $context get events -A -w
  kubectl --context $context get events -n shop --sort-by=.lastTimestamp
  kubectl --context $context get events -A --field-selector type=Warning
Follow obsynth itself:
  kubectl --context $context -n obsynth logs job/obsynth-replay-history -f
  kubectl --context $context -n obsynth logs deployment/obsynth-live -f
The API server deletes Events an hour after they are created.
MSG
