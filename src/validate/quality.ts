// The quality figures: how quickly incidents show up, across how many sources, how many records
// per source, and how often each imperfection occurs compared with the configuration.
import type { GenerationFile } from '../config/schema.js';
import type { Source } from '../model/record.js';
import type { TimeWindow } from '../time/calendar.js';
import type { IncidentsDocument } from './dataset-documents.js';
import { ONSET_WINDOW_MS, type IncidentTally, type SourceSpan } from './incident-tally.js';
import type { RealismTally } from './realism-tally.js';
import type { OnsetIncident, OnsetReport, RealismReport, ShareFigure, SourceStatFigure, SpreadDisagreement, SpreadReport, VolumeReport } from './report.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function onsetReport(doc: IncidentsDocument, tally: IncidentTally, range: TimeWindow, sources: readonly Source[]): OnsetReport {
  const incidents: OnsetIncident[] = [];
  let expected = 0;
  let within = 0;
  for (const i of doc.incidents) {
    const onset = Date.parse(i.onset);
    // Only incidents whose whole onset window was generated can be judged.
    if (!i.onset_in_range || onset + ONSET_WINDOW_MS > range.end) continue;
    const spans = tally.bySource.get(i.id) ?? {};
    const perSource = sources.map((source) => {
      const span = spans[source];
      const isExpected = (i.signature[source]?.length ?? 0) > 0;
      const ok = span !== undefined && span.first <= onset + ONSET_WINDOW_MS;
      if (isExpected) {
        expected++;
        if (ok) within++;
      }
      return { source, expected: isExpected, ...(span ? { firstAfterMs: span.first - onset } : {}), within: ok };
    });
    incidents.push({ id: i.id, type: i.type, onset: i.onset, sources: perSource });
  }
  return {
    windowMs: ONSET_WINDOW_MS,
    incidentRecords: tally.incidentRecords,
    withinWindow: tally.withinWindow,
    share: tally.incidentRecords > 0 ? tally.withinWindow / tally.incidentRecords : null,
    beforeOnset: tally.beforeOnset,
    incidents,
    pairs: { expected, within },
  };
}

const figure = (s: SourceSpan): SourceStatFigure => ({ records: s.records, first: iso(s.first), last: iso(s.last) });

export function spreadReport(doc: IncidentsDocument, tally: IncidentTally, sources: readonly Source[]): SpreadReport {
  let docAtLeast3 = 0;
  let docAll4 = 0;
  let labAtLeast3 = 0;
  let labAll4 = 0;
  let inRange = 0;
  const disagreements: SpreadDisagreement[] = [];
  for (const i of doc.incidents) {
    const fromLabels = tally.bySource.get(i.id) ?? {};
    const docSources = Object.entries(i.sources).filter(([, s]) => s && s.records > 0).length;
    const labSources = Object.keys(fromLabels).length;
    if (i.onset_in_range) {
      inRange++;
      if (docSources >= 3) docAtLeast3++;
      if (docSources >= 4) docAll4++;
      if (labSources >= 3) labAtLeast3++;
      if (labSources >= 4) labAll4++;
    }
    // incidents.json counts the same non-duplicate labelled records, so the two must agree.
    for (const source of sources) {
      const d = i.sources[source];
      const l = fromLabels[source];
      const lf = l && figure(l);
      const df = d && { records: d.records, first: new Date(d.first).toISOString(), last: new Date(d.last).toISOString() };
      if (!df && !lf) continue;
      if (!df || !lf || df.records !== lf.records || df.first !== lf.first || df.last !== lf.last) {
        disagreements.push({ incident: i.id, source, ...(df ? { document: df } : {}), ...(lf ? { labels: lf } : {}) });
      }
    }
  }
  return { incidents: inRange, generatedSources: sources, document: { atLeast3: docAtLeast3, all4: docAll4 }, labels: { atLeast3: labAtLeast3, all4: labAll4 }, disagreements };
}

/** Records per simulated day at volume 1, as the header of config/generation.yaml documents them. */
export const DOCUMENTED_PER_DAY: Readonly<Record<Source, number>> = { kubernetes: 600_000, sentry: 80_000, cloudwatch: 500_000, grafana: 220_000 };

export function volumeReport(range: TimeWindow, records: Readonly<Record<Source, number>>, sources: readonly Source[], volumeMultiplier: number, generation: GenerationFile): VolumeReport {
  const hours = (range.end - range.start) / 3_600_000;
  return {
    hours,
    sources: sources.map((source) => {
      const n = records[source];
      const perHour = hours > 0 ? n / hours : 0;
      const expectedPerDay = DOCUMENTED_PER_DAY[source] * volumeMultiplier * generation.sources[source].volume;
      return { source, records: n, perHour, perDay: perHour * 24, expectedPerDay, ratio: expectedPerDay > 0 ? (perHour * 24) / expectedPerDay : null };
    }),
  };
}

/**
 * The band a share of n trials should fall in: four standard deviations of a binomial, plus a
 * margin for what the model does on purpose (delays capped at a chunk's end, fields that a
 * record does not have).
 */
export function band(p: number, n: number, lowFactor = 0.9, highFactor = 1.1): [number, number] {
  const sd = n > 0 ? Math.sqrt((p * (1 - p)) / n) : 1;
  return [Math.max(0, p * lowFactor - 4 * sd), Math.min(1, p * highFactor + 4 * sd)];
}

function share(count: number, n: number, configured: number, expected: [number, number], extraOk = true): ShareFigure {
  const s = n > 0 ? count / n : 0;
  return { count, share: s, configured, expected, ok: extraOk && (n === 0 || (s >= expected[0] && s <= expected[1])) };
}

export function realismReport(t: RealismTally, realism: GenerationFile['realism']): RealismReport {
  const originals = t.records - t.duplicates;
  const maxLate = realism.late_arrivals.max_delay_secs * 1000;
  const maxSkew = realism.clock_skew.max_ms;
  const skewHosts = realism.clock_skew.max_ms > 0 ? realism.clock_skew.hosts : 0;
  return {
    records: t.records,
    duplicates: share(t.duplicates, originals, realism.duplicates, band(realism.duplicates, originals)),
    late: { ...share(t.late, t.records, realism.late_arrivals.share, band(realism.late_arrivals.share, t.records, 0.8), t.maxLateMs <= maxLate), maxMs: t.maxLateMs, configuredMaxMs: maxLate },
    // Skew is a share of hosts, and hosts emit unevenly: only a wide band can be promised.
    skew: { ...share(t.skewed, t.records, skewHosts, [skewHosts * 0.2, Math.min(1, skewHosts * 2.5)], t.maxAbsSkewMs <= maxSkew), maxAbsMs: t.maxAbsSkewMs, configuredMaxMs: maxSkew },
    // A record loses each optional field with even odds, and some kinds have none: at most the configured share.
    missingFields: { ...share(t.missing, t.records, realism.missing_optional_fields, band(realism.missing_optional_fields, t.records, 0.1, 1), t.contradicted === 0), contradicted: t.contradicted },
  };
}
