#!/usr/bin/env bash
# Installs every backend the integration tests start (idempotent; instant when cached).
# Called by .ci/run before `npm test`. Cache: ${OBSYNTH_CACHE:-$HOME/.cache/obsynth}.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
start=$SECONDS
# spotlight only checks what `npm ci` installed; kubernetes is the long one (~10-15 min cold).
for backend in prometheus victorialogs otelcol moto spotlight kubernetes; do
  bash "$here/$backend.sh" install
done
echo "[backends] all installed in $((SECONDS - start))s (cache: ${OBSYNTH_CACHE:-$HOME/.cache/obsynth}, $(du -sh "${OBSYNTH_CACHE:-$HOME/.cache/obsynth}" 2>/dev/null | cut -f1))" >&2
