#!/bin/sh
# The obsynth services of docker-compose.yml: backfill the last hours into the backends of the
# sinks file, as fast as they accept it, then keep the shop alive with an endless live history.
#
#   OBSYNTH_SINKS           sinks file (deploy/sinks/<profile>.yaml)
#   OBSYNTH_BACKFILL_HOURS  hours to backfill before going live (default 6; 0 = none)
#   SENTRY_DSN_FILE         file holding the DSN the glitchtip-init service wrote (optional)
#   OBSYNTH_STATE_DIR       where the "backfill done" marker lives (default /data)
#   OBSYNTH_GENERATE_ARGS   extra flags for both replays, e.g. "--volume-multiplier 0.3"
#   OBSYNTH_CLI             the CLI (default /app/dist/cli/main.js, where the image has it)
# The backfill runs once per state volume: a restarted container goes straight to live.
set -eu

cli="node ${OBSYNTH_CLI:-/app/dist/cli/main.js}"
extra="${OBSYNTH_GENERATE_ARGS:-}"
sinks="${OBSYNTH_SINKS:?set OBSYNTH_SINKS to a sinks file}"
hours="${OBSYNTH_BACKFILL_HOURS:-6}"
state="${OBSYNTH_STATE_DIR:-/data}"

if [ -n "${SENTRY_DSN_FILE:-}" ]; then
  [ -s "$SENTRY_DSN_FILE" ] || { echo "obsynth-demo: $SENTRY_DSN_FILE is missing or empty (did glitchtip-init run?)" >&2; exit 2; }
  SENTRY_DSN="$(cat "$SENTRY_DSN_FILE")"
  export SENTRY_DSN
fi

# The compose healthcheck looks for this marker: backfill done (or skipped), live started.
marker="$state/backfill-$(basename "$sinks" .yaml).done"
if [ ! -f "$marker" ]; then
  if [ "$hours" -gt 0 ]; then
    echo "obsynth-demo: backfilling the last $hours hours into $sinks"
    rc=0
    $cli replay --generate --hours "$hours" --speed max --sinks "$sinks" --no-progress \
      --checkpoint "$state/backfill.checkpoint.json" --restart --report "$state/backfill-report.json" $extra || rc=$?
    # 2: bad configuration (nothing can work); 1: some records were refused (reported): go on.
    if [ "$rc" -eq 2 ]; then exit 2; fi
    if [ "$rc" -ne 0 ]; then echo "obsynth-demo: the backfill lost records (see $state/backfill-report.json); going live anyway" >&2; fi
  fi
  touch "$marker"
fi

echo "obsynth-demo: live from now on into $sinks"
exec $cli replay --live --sinks "$sinks" --no-progress $extra
