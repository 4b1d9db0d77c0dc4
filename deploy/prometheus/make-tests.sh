#!/usr/bin/env bash
# Writes the promtool unit tests for rules/obsynth-alerts.yaml from data obsynth generates:
#   - one day with one incident of every type, placed apart (each test window holds one incident);
#   - one quiet day (no incident at all): no alert may fire.
# Usage (from anywhere, after `npm run build`):
#   bash deploy/prometheus/make-tests.sh [OUT_DIR]      # default: deploy/prometheus/tests
#   promtool test rules deploy/prometheus/tests/*.test.yaml
# WORK_DIR (env) keeps the generated datasets (default: a temp folder, removed afterwards);
# SEED (env) picks another simulation seed (default 7, the committed tests').
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$here/tests}"
cli="$root/dist/cli/main.js"
[ -f "$cli" ] || { echo "make-tests: $cli is missing: run npm run build first" >&2; exit 2; }

work="${WORK_DIR:-}"
if [ -z "$work" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi

# type/target:longest duration in minutes (config/incidents.yaml duration_mins[1]); each incident
# starts 45 minutes after the previous one can have ended, so a 30-minute lead and a 10-minute
# tail around each one see no other incident (promtool-series.mjs refuses overlaps).
plan=(
  memory_leak/order-service:110
  bad_deployment/payment-service:35
  db_pool_exhaustion/order-service:50
  network_partition/redis:25
  cpu_throttling/product-service:70
  disk_full/analytics-service:90
  rate_limiting/payment-provider:45
  cache_stampede/redis:30
  queue_backlog/notification-service:90
  certificate_expiry/payment-provider:60
  dns_failure/coredns:25
  cascading_failure/payment-service:60
)
offset=30
incidents=()
for p in "${plan[@]}"; do
  type="${p%%/*}"; rest="${p#*/}"; target="${rest%%:*}"; longest="${rest##*:}"
  incidents+=(--incident "$type@+${offset}m/$target")
  offset=$((offset + longest + 45))
done
hours=$(((offset + 59) / 60))

common=(--sources grafana --incidents-per-day 0 --seed "${SEED:-7}" --no-progress --force)
node "$cli" generate --start 2026-11-24T00:00:00Z --hours "$hours" "${incidents[@]}" "${common[@]}" --out "$work/incidents" >/dev/null
node "$cli" generate --start 2026-11-25T00:00:00Z --hours 24 "${common[@]}" --out "$work/quiet" >/dev/null

mkdir -p "$out"
rules="$here/rules/obsynth-alerts.yaml"
node "$root/scripts/promtool-series.mjs" --dataset "$work/incidents" --rules "$rules" --out "$out"
node "$root/scripts/promtool-series.mjs" --dataset "$work/quiet" --rules "$rules" --out "$out" --quiet
