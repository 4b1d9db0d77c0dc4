// CloudWatch metric datapoints: every series of the catalog once per period, each datum in the
// shape PutMetricData takes. A datapoint is labelled anomalous when an incident moved it visibly
// away from the value the same moment would have had without incidents.
import type { StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchMetricBody } from '../../model/record.js';
import { ceilTo, DAY, isoSeconds } from '../../time/calendar.js';
import { truthOf, type Generator, type GenerationContext } from '../generator.js';
import { catalogOf } from './catalog.js';
import { Moment, Snap } from './model.js';
import { scopesFor, type Scopes } from './scope.js';
import { moved, pointOf, strongest, type Point, type Series } from './series.js';
import type { Statics } from './statics.js';

/** The two snaps of one moment: with the incidents, and (made on demand) without. */
export class MomentPair {
  readonly actual: Snap;
  private base?: Snap;

  constructor(
    private readonly moment: Moment,
    private readonly scopes: Scopes,
  ) {
    this.actual = new Snap(moment, scopes.actual);
  }

  get baseline(): Snap {
    return (this.base ??= new Snap(this.moment, this.scopes.baseline));
  }
}

/** Recent moments per World: metrics, logs and alarms of a window (and the next window's look-back) share them. */
const recent = new WeakMap<Statics, Map<number, MomentPair>>();
const RECENT_MAX = 96;

/**
 * The snaps for the period starting at T (values are taken at its middle). Values are a pure
 * function of the moment, and every scope reaches back further than any effect lasts, so a
 * moment computed under one window's scope is valid for any other window that asks.
 */
export function momentAt(statics: Statics, scopes: Scopes, T: number, periodMs: number): MomentPair {
  const t = T + periodMs / 2;
  let cache = recent.get(statics);
  if (!cache) recent.set(statics, (cache = new Map()));
  let pair = cache.get(t);
  if (!pair) {
    pair = new MomentPair(new Moment(statics, t), scopes);
    if (cache.size >= RECENT_MAX) cache.delete(cache.keys().next().value!);
    cache.set(t, pair);
  }
  return pair;
}

/** The datapoint a series publishes for the period starting at T: a pure function of (series, T). */
export function datapoint(series: Series, pair: MomentPair, T: number, periodMs: number): Point | undefined {
  return pointOf(series, series.model(pair.actual, periodMs / 1000), T);
}

function body(series: Series, point: Point, timestamp: string, resolution: number): CloudWatchMetricBody {
  const unit: StandardUnit = series.unit;
  return point.stats
    ? { Namespace: series.namespace, MetricData: [{ MetricName: series.metricName, Dimensions: series.dims, Timestamp: timestamp, StatisticValues: point.stats, Unit: unit, StorageResolution: resolution }] }
    : { Namespace: series.namespace, MetricData: [{ MetricName: series.metricName, Dimensions: series.dims, Timestamp: timestamp, Value: point.value, Unit: unit, StorageResolution: resolution }] };
}

/** The constant head of a series' body as JSON (namespace, name, dimensions). */
const heads = new WeakMap<Series, string>();

/** body() as JSON without building the object: the same bytes JSON.stringify gives (checked in tests). */
export function bodyJson(series: Series, point: Point, timestamp: string, resolution: number): string {
  let head = heads.get(series);
  if (head === undefined) {
    head = `{"Namespace":${JSON.stringify(series.namespace)},"MetricData":[{"MetricName":${JSON.stringify(series.metricName)},"Dimensions":${JSON.stringify(series.dims)},"Timestamp":"`;
    heads.set(series, head);
  }
  const measure = point.stats ? `"StatisticValues":${JSON.stringify(point.stats)}` : `"Value":${JSON.stringify(point.value)}`;
  return `${head}${timestamp}",${measure},"Unit":"${series.unit}","StorageResolution":${resolution}}]}`;
}

export { body as metricBody };

export class CloudWatchMetricGenerator implements Generator {
  readonly name = 'cloudwatch-metrics';
  readonly source = 'cloudwatch' as const;

  generate(ctx: GenerationContext): void {
    const { world, window } = ctx;
    const catalog = catalogOf(world);
    const periodMs = world.cloudwatchPeriodMs;
    const periodSec = periodMs / 1000;
    // Below a minute the agent publishes high-resolution metrics.
    const resolution = periodMs < 60_000 ? 1 : 60;
    const scopes = scopesFor(world, window);
    for (let T = ceilTo(window.start, periodMs); T < window.end; T += periodMs) {
      const pair = momentAt(catalog.statics, scopes, T, periodMs);
      const timestamp = isoSeconds(T);
      const midnight = T % DAY === 0;
      for (const series of catalog.series) {
        if (series.daily && !midnight) continue;
        const clean = series.model(pair.actual, periodSec);
        const point = pointOf(series, clean, T);
        if (!point) continue;
        const activity = strongest(series, pair.actual);
        const anomalous = activity !== undefined && moved(series, clean, series.model(pair.baseline, periodSec));
        ctx.emitJson('cloudwatch_metric', T, series.resource, bodyJson(series, point, timestamp, resolution), anomalous ? truthOf(activity) : undefined);
      }
    }
  }
}
