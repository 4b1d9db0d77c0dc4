// The realism of a dataset's container logs against public yardsticks: how many templates each
// service logs from and how skewed their frequencies are, how often lines are errors when nothing
// is wrong, how much traffic swings over the day, and how well a simple template miner
// (Drain-like, template-miner.ts) recovers the true templates. A miner that groups every line
// exactly right means the logs are too regular to train a parser or an anomaly model on.
import type { ServicesFile } from '../config/schema.js';
import type { FileEnvelope } from '../export/dataset-input.js';
import { LogRowBuilder, type RowLabel } from '../export/log-rows.js';
import { buildTemplateRegistry, STACKTRACE_TEMPLATE_ID, type TemplateRegistry } from '../export/template-registry.js';
import type { TimeWindow } from '../time/calendar.js';
import { DEFAULT_MINER_OPTIONS, GroupingScore, OVERFLOW_GROUP, TemplateMiner, type GroupingFigures, type MinerOptions } from './template-miner.js';

/** Below this many lines the figures say nothing (a hand-made fixture, a few minutes of data). */
export const MIN_REALISM_LINES = 1000;

/** Services tallied one by one; log lines of further services are pooled as OTHER_SERVICES. */
export const MAX_SERVICES = 256;
const OTHER_SERVICES = '(other services)';

const HOUR = 3_600_000;
const EDGE_ACCESS = 'gw.access';

/**
 * Public figures to compare with. The LogHub ones are published measurements; the others are
 * rules of thumb for a production web shop, given as bands.
 */
export const YARDSTICKS = {
  /** Templates per system in the 16 LogHub-2k samples: Apache 6 ... Mac 341 (Zhu et al., ICSE-SEIP 2019). */
  templatesPerSystem: [6, 341] as const,
  /** Drain's grouping accuracy on those samples: Proxifier 0.53 ... Apache 1.00, 0.87 on average (same study). */
  drainAccuracy: { min: 0.53, max: 1, mean: 0.87 },
  /** The band we hold the miner's accuracy to: no worse than Drain's worst system, and short of 100% (logs a miner gets exactly right are too regular to train on). */
  minerAccuracy: [0.53, 0.999] as const,
  /** Long tail: the top 10% of templates carry most lines in LogHub's systems. */
  headShareAtLeast: 0.5,
  /** ERROR lines when nothing is wrong: a few per thousand to a few per hundred. */
  errorLineShare: [0.001, 0.05] as const,
  /** 5xx responses at the edge when nothing is wrong: 99-99.9% availability. */
  http5xxShare: [0.0005, 0.01] as const,
  /** Busiest hour over quietest hour of a consumer shop's requests. */
  diurnalPeakToTrough: [2, 12] as const,
};

export interface ServiceLogFigures {
  readonly service: string;
  readonly lines: number;
  /** Distinct true templates. */
  readonly templates: number;
  /** Share of lines made from the top 10% of templates (at least one template). */
  readonly headShare: number | null;
  /** Templates seen fewer than 10 times. */
  readonly rareTemplates: number;
  /** ERROR / FATAL lines among the lines labelled normal. */
  readonly errorLineShare: number | null;
  readonly miner: GroupingFigures;
}

export interface LogRealismReport {
  /** Container log lines looked at (stack trace continuation lines left out). */
  readonly lines: number;
  readonly stacktraceLines: number;
  readonly services: readonly ServiceLogFigures[];
  readonly templates: { readonly count: number; readonly headShare: number | null; readonly perService: { readonly min: number; readonly max: number } | null };
  readonly errors: {
    readonly normalLines: number;
    readonly errorLines: number;
    readonly errorLineShare: number | null;
    /** Edge access lines labelled normal, and how many of them answered 5xx. */
    readonly requests: number;
    readonly responses5xx: number;
    readonly http5xxShare: number | null;
  };
  readonly diurnal: {
    /** Request lines (edge access log) per local hour of day, per covered hour. */
    readonly perHour: ReadonlyArray<number | null>;
    readonly peakHour: number | null;
    readonly troughHour: number | null;
    readonly peakToTrough: number | null;
    readonly note?: string;
  };
  readonly miner: GroupingFigures & { readonly options: { readonly depth: number; readonly similarity: number; readonly maxChildren: number; readonly maxGroups: number } };
  readonly yardsticks: typeof YARDSTICKS;
  /** Each figure against its yardstick band. */
  readonly comparisons: readonly YardstickComparison[];
  /** The comparisons outside their band, one sentence each. */
  readonly notes: readonly string[];
}

export type YardstickFigure = 'templates' | 'head_share' | 'miner_accuracy' | 'error_line_share' | 'http_5xx_share' | 'diurnal_peak_to_trough';

export interface YardstickComparison {
  readonly figure: YardstickFigure;
  /** A service, or "all". */
  readonly scope: string;
  readonly value: number | null;
  readonly band: readonly [number, number];
  /** n/a: too few lines (under MIN_REALISM_LINES) or no value (e.g. diurnal needs 24 hours). */
  readonly status: 'ok' | 'outside' | 'n/a';
}

class ServiceTally {
  readonly counts = new Map<string, number>();
  lines = 0;
  normal = 0;
  normalErrors = 0;
  readonly miner: TemplateMiner;
  readonly score = new GroupingScore();

  constructor(options: Partial<MinerOptions>) {
    this.miner = new TemplateMiner(options);
  }
}

export class LogRealismTally {
  private readonly builder: LogRowBuilder;
  private readonly registry: TemplateRegistry;
  private readonly services = new Map<string, ServiceTally>();
  private readonly overall = new GroupingScore();
  private readonly byHour = new Array<number>(24).fill(0);
  private stacktrace = 0;
  private requests = 0;
  private responses5xx = 0;

  constructor(
    services: ServicesFile,
    private readonly utcOffsetMinutes: number,
    private readonly minerOptions: Partial<MinerOptions> = {},
  ) {
    this.registry = buildTemplateRegistry(services);
    this.builder = new LogRowBuilder(this.registry);
  }

  /** One container log record with its (aligned) label. */
  add(record: FileEnvelope, label: RowLabel): void {
    if (label.duplicate) return;
    const templateId = label.template_id;
    if (templateId === STACKTRACE_TEMPLATE_ID) {
      this.stacktrace++;
      return;
    }
    const row = this.builder.build('kubernetes_log', record, label);
    if (!row) return;
    const service = this.services.has(record.service) || this.services.size < MAX_SERVICES ? record.service : OTHER_SERVICES;
    let s = this.services.get(service);
    if (!s) this.services.set(service, (s = new ServiceTally(this.minerOptions)));
    s.lines++;
    const truth = templateId ?? '(none)';
    s.counts.set(truth, (s.counts.get(truth) ?? 0) + 1);
    if (!label.anomalous) {
      s.normal++;
      if (row.level === 'ERROR' || row.level === 'FATAL') s.normalErrors++;
    }
    const group = s.miner.add(row.content);
    if (group === OVERFLOW_GROUP) {
      s.score.addUngrouped(truth);
      this.overall.addUngrouped(`${service}#${truth}`);
    } else {
      s.score.add(group, truth);
      this.overall.add(`${service}#${group}`, `${service}#${truth}`);
    }
    if (templateId === EDGE_ACCESS) {
      const hour = Math.floor(((record.timestamp + this.utcOffsetMinutes * 60_000) % (24 * HOUR) + 24 * HOUR) % (24 * HOUR) / HOUR);
      this.byHour[hour]!++;
      if (!label.anomalous) {
        this.requests++;
        const status = Number(this.registry.variables(EDGE_ACCESS, row.content)?.[3]);
        if (status >= 500) this.responses5xx++;
      }
    }
  }

  report(range: TimeWindow | undefined): LogRealismReport {
    const services: ServiceLogFigures[] = [...this.services.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([service, s]) => ({
        service,
        lines: s.lines,
        templates: s.counts.size,
        headShare: headShare(s.counts),
        rareTemplates: [...s.counts.values()].filter((n) => n < 10).length,
        errorLineShare: s.normal > 0 ? s.normalErrors / s.normal : null,
        miner: s.score.figures(),
      }));
    const allCounts = new Map<string, number>();
    for (const [service, s] of this.services) for (const [t, n] of s.counts) allCounts.set(`${service}#${t}`, n);
    const lines = services.reduce((a, s) => a + s.lines, 0);
    const normalLines = [...this.services.values()].reduce((a, s) => a + s.normal, 0);
    const errorLines = [...this.services.values()].reduce((a, s) => a + s.normalErrors, 0);
    const counts = services.map((s) => s.templates);
    const o = { ...DEFAULT_MINER_OPTIONS, ...this.minerOptions };
    const miner = { ...this.overall.figures(), options: { depth: o.depth, similarity: o.similarity, maxChildren: o.maxChildren, maxGroups: o.maxGroups } };
    const report: Omit<LogRealismReport, 'notes' | 'comparisons'> = {
      lines,
      stacktraceLines: this.stacktrace,
      services,
      templates: { count: allCounts.size, headShare: headShare(allCounts), perService: counts.length > 0 ? { min: Math.min(...counts), max: Math.max(...counts) } : null },
      errors: {
        normalLines,
        errorLines,
        errorLineShare: normalLines > 0 ? errorLines / normalLines : null,
        requests: this.requests,
        responses5xx: this.responses5xx,
        http5xxShare: this.requests > 0 ? this.responses5xx / this.requests : null,
      },
      diurnal: this.diurnal(range),
      miner,
      yardsticks: YARDSTICKS,
    };
    const comparisons = compareWithYardsticks(report);
    return { ...report, comparisons, notes: comparisons.filter((c) => c.status === 'outside').map(describe) };
  }

  private diurnal(range: TimeWindow | undefined): LogRealismReport['diurnal'] {
    const empty = { perHour: new Array<number | null>(24).fill(null), peakHour: null, troughHour: null, peakToTrough: null };
    if (!range || range.end - range.start < 24 * HOUR) return { ...empty, note: 'needs a range of at least 24 hours' };
    // How many times each local hour of day lies (wholly or partly) in the range.
    const covered = new Array<number>(24).fill(0);
    for (let t = range.start; t < range.end; t += HOUR) {
      const share = Math.min(HOUR, range.end - t) / HOUR;
      const hour = Math.floor(((t + this.utcOffsetMinutes * 60_000) % (24 * HOUR) + 24 * HOUR) % (24 * HOUR) / HOUR);
      covered[hour]! += share;
    }
    const perHour = this.byHour.map((n, h) => (covered[h]! > 0 ? n / covered[h]! : null));
    let peak = -1;
    let trough = -1;
    perHour.forEach((v, h) => {
      if (v === null) return;
      if (peak < 0 || v > perHour[peak]!) peak = h;
      if (trough < 0 || v < perHour[trough]!) trough = h;
    });
    if (peak < 0) return { ...empty, note: 'no edge access lines' };
    const low = perHour[trough]!;
    return { perHour, peakHour: peak, troughHour: trough, peakToTrough: low > 0 ? perHour[peak]! / low : null, ...(low > 0 ? {} : { note: 'an hour with no requests at all' }) };
  }
}

/** Share of the lines made from the top 10% of templates (at least one). */
export function headShare(counts: ReadonlyMap<string, number>): number | null {
  const sorted = [...counts.values()].sort((a, b) => b - a);
  const total = sorted.reduce((a, n) => a + n, 0);
  if (total === 0) return null;
  const head = Math.max(1, Math.ceil(sorted.length * 0.1));
  return sorted.slice(0, head).reduce((a, n) => a + n, 0) / total;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** Every figure against its band; per service only for services with MIN_REALISM_LINES lines. */
export function compareWithYardsticks(r: Omit<LogRealismReport, 'notes' | 'comparisons'>): YardstickComparison[] {
  const y = YARDSTICKS;
  const enough = r.lines >= MIN_REALISM_LINES;
  const cmp = (figure: YardstickFigure, scope: string, value: number | null, band: readonly [number, number], counts = enough): YardstickComparison => ({
    figure,
    scope,
    value,
    band,
    status: !counts || value === null ? 'n/a' : value < band[0] || value > band[1] ? 'outside' : 'ok',
  });
  const out: YardstickComparison[] = [];
  for (const s of r.services) {
    const counts = enough && s.lines >= MIN_REALISM_LINES;
    out.push(cmp('templates', s.service, s.templates, y.templatesPerSystem, counts));
    out.push(cmp('head_share', s.service, s.headShare, [y.headShareAtLeast, 1], counts));
    out.push(cmp('miner_accuracy', s.service, s.miner.accuracy, y.minerAccuracy, counts));
  }
  out.push(cmp('miner_accuracy', 'all', r.miner.accuracy, y.minerAccuracy));
  out.push(cmp('error_line_share', 'all', r.errors.errorLineShare, y.errorLineShare));
  out.push(cmp('http_5xx_share', 'all', r.errors.http5xxShare, y.http5xxShare));
  out.push(cmp('diurnal_peak_to_trough', 'all', r.diurnal.peakToTrough, y.diurnalPeakToTrough));
  return out;
}

/** One sentence for a comparison outside its band. */
function describe(c: YardstickComparison): string {
  const v = c.value!;
  const [lo, hi] = c.band;
  const who = c.scope === 'all' ? '' : `${c.scope}: `;
  switch (c.figure) {
    case 'templates':
      return `${who}${v} templates, ${v < lo ? 'fewer' : 'more'} than any LogHub system (${lo}..${hi})`;
    case 'head_share':
      return `${who}the top 10% of templates make ${pct(v)} of lines; real logs have a head that carries most lines (at least ${pct(lo)})`;
    case 'miner_accuracy':
      return v > hi
        ? `${who}a Drain-like miner groups ${pct(v)} of lines exactly right: the logs are too regular to train a parser or an anomaly model on (Drain on LogHub: ${pct(YARDSTICKS.drainAccuracy.min)}..${pct(YARDSTICKS.drainAccuracy.max)}, mean ${pct(YARDSTICKS.drainAccuracy.mean)})`
        : `${who}a Drain-like miner groups ${pct(v)} of lines exactly right, below Drain's worst LogHub system (${pct(lo)}): it splits templates on variables it takes for constants (a method or path early in the line) or merges different ones`;
    case 'error_line_share':
      return `ERROR lines outside incidents: ${pct(v)}, outside ${pct(lo)}..${pct(hi)}`;
    case 'http_5xx_share':
      return `5xx at the edge outside incidents: ${pct(v)}, outside ${pct(lo)}..${pct(hi)}`;
    case 'diurnal_peak_to_trough':
      return `busiest / quietest hour of requests: ${v.toFixed(1)}x, outside ${lo}..${hi}x`;
  }
}
