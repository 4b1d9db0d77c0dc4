// "CloudWatch Alarm State Change" events, evaluated without state: an alarm is in ALARM at
// evaluation m when at least DatapointsToAlarm of its last EvaluationPeriods datapoints breach,
// and the datapoints are recomputed with the metrics' pure value function. So any window knows
// the state before it without replaying history, and every reason quotes real datapoints.
import type { Incident } from '../../model/incident.js';
import type { AlarmState, CloudWatchAlarmBody, Phase, Truth } from '../../model/record.js';
import { hashInts, hashString, hex32 } from '../../random/rng.js';
import { HOUR, isoMillis, isoSeconds, MINUTE } from '../../time/calendar.js';
import { truthOfIncident, type Generator, type GenerationContext } from '../generator.js';
import { alarmSpecs, type AlarmSpec } from './alarm-definitions.js';
import { catalogOf } from './catalog.js';
import { momentAt, type MomentPair } from './metrics.js';
import { scopesFor, type Scopes } from './scope.js';
import { pointOf, type Point } from './series.js';

// The dataset writer saves these as cloudwatch/alarm_definitions.json.
export { alarmDefinitions } from './alarm-definitions.js';

/** How far back the evaluator looks for the moment the previous state began. */
const STATE_SCAN_MS = 2 * HOUR;
/** Alarms evaluate a little after the period closes; the event reaches EventBridge a moment later. */
const DELIVERY_MS = 420;

interface AlarmPoint {
  /** Start of the alarm period. */
  readonly T: number;
  readonly value?: number;
  readonly sampleCount: number;
  readonly breach: boolean;
  /** The incident that pushed it over the threshold (undefined for ordinary traffic). */
  readonly cause?: Incident;
  readonly phase?: Phase;
}

type Stat = AlarmSpec['stat'];

function statOf(point: Point, stat: Stat): number {
  if (point.value !== undefined) return point.value;
  const s = point.stats!;
  switch (stat) {
    case 'Sum':
      return s.Sum;
    case 'Average':
      return s.Sum / s.SampleCount;
    case 'Maximum':
      return s.Maximum;
    case 'Minimum':
      return s.Minimum;
    case 'SampleCount':
      return s.SampleCount;
    case 'p99':
      return point.p99 ?? s.Maximum;
  }
}

/** Several metric datapoints inside one alarm period, combined as the statistic does. */
function combine(values: readonly Point[], stat: Stat): { value?: number; sampleCount: number } {
  if (values.length === 0) return { sampleCount: 0 };
  if (values.length === 1) return { value: statOf(values[0]!, stat), sampleCount: values[0]!.stats?.SampleCount ?? 1 };
  let sampleCount = 0;
  let sum = 0;
  let max = -Infinity;
  let min = Infinity;
  for (const p of values) {
    const n = p.stats?.SampleCount ?? 1;
    sampleCount += n;
    sum += p.stats ? p.stats.Sum : p.value!;
    const v = statOf(p, stat);
    max = Math.max(max, v);
    min = Math.min(min, v);
  }
  switch (stat) {
    case 'Sum':
      return { value: sum, sampleCount };
    case 'Average':
      return { value: sum / sampleCount, sampleCount };
    case 'Minimum':
      return { value: min, sampleCount };
    case 'SampleCount':
      return { value: sampleCount, sampleCount };
    default:
      return { value: max, sampleCount };
  }
}

function breaches(spec: AlarmSpec, value: number | undefined): boolean {
  if (value === undefined) return false; // TreatMissingData: notBreaching
  switch (spec.comparison) {
    case 'GreaterThanThreshold':
      return value > spec.threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= spec.threshold;
    case 'LessThanThreshold':
      return value < spec.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= spec.threshold;
    default:
      return false;
  }
}

/** Recomputes metric datapoints (the moments are shared by every alarm of the window). */
class Evaluator {
  private readonly pairs = new Map<number, MomentPair>();

  constructor(
    private readonly ctx: GenerationContext,
    readonly scopes: Scopes,
  ) {}

  pair(T: number): MomentPair {
    let p = this.pairs.get(T);
    if (!p) this.pairs.set(T, (p = momentAt(catalogOf(this.ctx.world).statics, this.scopes, T, this.ctx.world.cloudwatchPeriodMs)));
    return p;
  }

  value(spec: AlarmSpec, T: number, baseline: boolean): { value?: number; sampleCount: number } {
    const periodMs = this.ctx.world.cloudwatchPeriodMs;
    const points: Point[] = [];
    for (let t = T; t < T + spec.periodSec * 1000; t += periodMs) {
      const pair = this.pair(t);
      const p = pointOf(spec.series, spec.series.model(baseline ? pair.baseline : pair.actual, periodMs / 1000), t);
      if (p) points.push(p);
    }
    return combine(points, spec.stat);
  }
}

/** One alarm's datapoints and states, by alarm period index m (period start m * P). */
class AlarmTrack {
  private readonly points = new Map<number, AlarmPoint>();
  readonly P: number;

  constructor(
    readonly spec: AlarmSpec,
    private readonly ev: Evaluator,
  ) {
    this.P = spec.periodSec * 1000;
  }

  point(m: number): AlarmPoint {
    let p = this.points.get(m);
    if (p) return p;
    const T = m * this.P;
    const { value, sampleCount } = this.ev.value(this.spec, T, false);
    p = { T, value, sampleCount, breach: breaches(this.spec, value) };
    if (p.breach) p = this.attribute(p);
    this.points.set(m, p);
    return p;
  }

  /** The EvaluationPeriods datapoints the evaluation of period m looks at, oldest first. */
  window(m: number): AlarmPoint[] {
    const n = this.spec.evaluationPeriods;
    const out: AlarmPoint[] = [];
    for (let i = m - n + 1; i <= m; i++) out.push(this.point(i));
    return out;
  }

  alarm(m: number): boolean {
    let k = 0;
    for (let i = m - this.spec.evaluationPeriods + 1; i <= m; i++) if (this.point(i).breach) k++;
    return k >= this.spec.datapointsToAlarm;
  }

  /** No incident touches the alarm's targets during the periods the evaluation of m reads. */
  quiet(m: number): boolean {
    const from = (m - this.spec.evaluationPeriods + 1) * this.P;
    const to = (m + 1) * this.P;
    const conditions = this.ev.scopes.actual.conditions;
    return !this.spec.series.targets.some((t) => conditions.touches(t, from, to));
  }

  /**
   * Where the state the alarm was in before m began (bounded look-back). Stretches no incident
   * touches are taken as OK without computing them, so a false positive inside one can be missed:
   * the start found is then moved forward until the state there is the one being described.
   */
  stateStart(m: number, floor: number): number {
    const was = !this.alarm(m);
    let m0 = m - 1;
    while (m0 > floor) {
      const before = m0 - 1;
      const alarmBefore = this.quiet(before) ? false : this.alarm(before);
      if (alarmBefore !== was) break;
      m0 = before;
    }
    while (m0 < m - 1 && this.alarm(m0) !== was) m0++;
    return m0;
  }

  /** Who pushed a datapoint over: an incident (if the incident-free value stays under), or nobody. */
  private attribute(p: AlarmPoint): AlarmPoint {
    const spec = this.spec;
    if (breaches(spec, this.ev.value(spec, p.T, true).value)) return p; // ordinary traffic: a real false positive
    const activity = this.ev.pair(p.T).actual.strongest(spec.series.targets);
    const incident = activity?.incident ?? this.lastIncidentBefore(p.T);
    if (!incident) return p;
    // Incidents whose signature has no alarm do not page anyone: their datapoints count as fine.
    if (!incident.signature.cloudwatch.includes('alarm')) return { ...p, breach: false };
    return { ...p, cause: incident, phase: activity?.phase ?? 'recovery' };
  }

  /** An incident that touched the alarm's targets and is over (restart counters outlive it). */
  private lastIncidentBefore(T: number): Incident | undefined {
    let best: Incident | undefined;
    for (const i of this.ev.scopes.actual.incidents) {
      if (i.onset > T || !i.affected.some((a) => this.spec.series.targets.includes(a.target))) continue;
      if (!best || i.onset > best.onset) best = i;
    }
    return best;
  }
}

const COMPARISON_WORDS: Record<string, string> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

/** A double the way Java prints it (CloudWatch is written in Java): 352.0, 1.2E10. */
export function javaDouble(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e7 || a < 1e-3)) {
    const [m, e] = v.toExponential().split('e');
    return `${m!.includes('.') ? m : `${m}.0`}E${Number(e)}`;
  }
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

/** 24/11/26 15:02:00 */
function reasonTime(ms: number): string {
  const iso = isoSeconds(ms);
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(2, 4)} ${iso.slice(11, 19)}`;
}

/** 2026-11-24T15:03:10.532+0000 */
function cwTime(ms: number): string {
  return isoMillis(ms).replace('Z', '+0000');
}

function stateOf(spec: AlarmSpec, window: readonly AlarmPoint[], at: number): AlarmState {
  const n = spec.evaluationPeriods;
  const d = spec.datapointsToAlarm;
  const breaching = window.filter((p) => p.breach).length;
  const alarm = breaching >= d;
  const words = COMPARISON_WORDS[spec.comparison] ?? 'beyond';
  // The reason names the datapoints that decided it, newest first.
  const shown = [...window].reverse().filter((p) => p.value !== undefined && p.breach === alarm);
  const list = shown.map((p) => `${javaDouble(p.value!)} (${reasonTime(p.T)})`).join(', ');
  const k = shown.length;
  const reason = alarm
    ? `Threshold Crossed: ${k} out of the last ${n} datapoints [${list}] ${k === 1 ? 'was' : 'were'} ${words} the threshold (${javaDouble(spec.threshold)}) (minimum ${d} datapoint${d === 1 ? '' : 's'} for OK -> ALARM transition).`
    : `Threshold Crossed: ${k} out of the last ${n} datapoints [${list}] ${k === 1 ? 'was' : 'were'} not ${words} the threshold (${javaDouble(spec.threshold)}) (minimum ${n - d + 1} datapoint${n - d + 1 === 1 ? '' : 's'} for ALARM -> OK transition).`;
  const present = window.filter((p) => p.value !== undefined);
  const evaluated = [...present]
    .reverse()
    .map((p) => `{"timestamp":"${cwTime(p.T)}","sampleCount":${javaDouble(p.sampleCount)},"value":${javaDouble(p.value!)}}`)
    .join(',');
  const reasonData =
    `{"version":"1.0","queryDate":"${cwTime(at)}","startDate":"${cwTime(window[0]!.T)}","statistic":"${spec.stat}","period":${spec.periodSec},` +
    `"recentDatapoints":[${present.map((p) => javaDouble(p.value!)).join(',')}],"threshold":${javaDouble(spec.threshold)},"evaluatedDatapoints":[${evaluated}]}`;
  return { value: alarm ? 'ALARM' : 'OK', reason, reasonData, timestamp: cwTime(at + 3) };
}

function eventId(spec: AlarmSpec, m: number): string {
  const key = hashString(spec.arn);
  const h = hex32(hashInts(key, m, 1)) + hex32(hashInts(key, m, 2)) + hex32(hashInts(key, m, 3)) + hex32(hashInts(key, m, 4));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export class CloudWatchAlarmGenerator implements Generator {
  readonly name = 'cloudwatch-alarms';
  readonly source = 'cloudwatch' as const;

  generate(ctx: GenerationContext): void {
    const { world, window } = ctx;
    const specs = alarmSpecs(world);
    if (specs.length === 0) return;
    const maxLookback = Math.max(...specs.map((s) => s.evaluationPeriods * s.periodSec * 1000)) + STATE_SCAN_MS + MINUTE;
    const evaluator = new Evaluator(ctx, scopesFor(world, window, maxLookback));
    const res = catalogOf(world).statics.res;
    for (const spec of specs) {
      const track = new AlarmTrack(spec, evaluator);
      const P = track.P;
      // Evaluation of the period starting at m*P happens at (m+1)*P + offset.
      const first = Math.ceil((window.start - spec.evaluationOffsetMs) / P) - 1;
      const last = Math.ceil((window.end - spec.evaluationOffsetMs) / P) - 2;
      let prev = track.alarm(first - 1);
      for (let m = first; m <= last; m++) {
        const cur = track.alarm(m);
        if (cur === prev) continue;
        prev = cur;
        const at = (m + 1) * P + spec.evaluationOffsetMs;
        const points = track.window(m);
        const m0 = track.stateStart(m, m - STATE_SCAN_MS / P);
        const previousState = stateOf(spec, track.window(m0), (m0 + 1) * P + spec.evaluationOffsetMs);
        ctx.emit('cloudwatch_alarm', at + DELIVERY_MS, spec.series.resource, bodyOf(spec, res, m, at, stateOf(spec, points, at), previousState), truthOfTransition(cur ? points : track.window(m - 1)));
      }
    }
  }
}

/** The incident behind the breaching datapoints that caused (or ended) the ALARM state. */
function truthOfTransition(points: readonly AlarmPoint[]): Truth | undefined {
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i]!;
    if (p.breach && p.cause) return truthOfIncident(p.cause, p.phase ?? 'recovery');
  }
  return undefined;
}

function bodyOf(spec: AlarmSpec, res: { account: string; region: string }, m: number, at: number, state: AlarmState, previousState: AlarmState): CloudWatchAlarmBody {
  const dimensions: Record<string, string> = {};
  for (const d of spec.series.dims) dimensions[d.Name] = d.Value;
  return {
    version: '0',
    id: eventId(spec, m),
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: res.account,
    time: isoSeconds(at + DELIVERY_MS),
    region: res.region,
    resources: [spec.arn],
    detail: {
      alarmName: spec.name,
      state,
      previousState,
      configuration: {
        description: spec.description,
        metrics: [
          {
            id: spec.metricId,
            metricStat: { metric: { namespace: spec.series.namespace, name: spec.series.metricName, dimensions }, period: spec.periodSec, stat: spec.stat },
            returnData: true,
          },
        ],
      },
    },
  };
}
