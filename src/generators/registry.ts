// Every generator, in the order they run inside a window. Order matters only for speed (the
// shared request simulation runs once, on first use); output does not depend on it because
// each generator draws from its own random stream.
import { CloudWatchAlarmGenerator } from './cloudwatch/alarms.js';
import { CloudWatchLogGenerator } from './cloudwatch/logs.js';
import { CloudWatchMetricGenerator } from './cloudwatch/metrics.js';
import type { Generator } from './generator.js';
import { GrafanaGenerator } from './grafana/grafana.js';
import { ContainerLogGenerator } from './kubernetes/container-logs.js';
import { KubernetesEventGenerator } from './kubernetes/events.js';
import { PodMetricsGenerator } from './kubernetes/pod-metrics.js';
import { SentryErrorGenerator } from './sentry/errors.js';
import { SentryTransactionGenerator } from './sentry/transactions.js';

export function allGenerators(): Generator[] {
  return [
    new ContainerLogGenerator(),
    new KubernetesEventGenerator(),
    new PodMetricsGenerator(),
    new SentryErrorGenerator(),
    new SentryTransactionGenerator(),
    new CloudWatchMetricGenerator(),
    new CloudWatchLogGenerator(),
    new CloudWatchAlarmGenerator(),
    new GrafanaGenerator(),
  ];
}
