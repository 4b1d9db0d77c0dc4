// The verdicts: one CheckResult per question, each with a one-line summary and the first few
// problems (file:line, id, key path, value, rule) so the reader can go straight to them.
import { MIN_REALISM_LINES, YARDSTICKS, type LogRealismReport } from './log-realism.js';
import type { CheckId, CheckResult, CheckStatus, FileReport, KindReport, LineProblem, Severity, ValidationReport } from './report.js';
import type { TimeSettings } from './scan-pair.js';

export interface CheckInputs {
  readonly manifestProblems: readonly string[];
  readonly incidentsMissing: boolean;
  readonly files: readonly FileReport[];
  readonly kinds: readonly KindReport[];
  readonly quality: ValidationReport['quality'];
  readonly logRealism: LogRealismReport | null;
  readonly time: TimeSettings | undefined;
  readonly maxErrors: number;
}

const n = (x: number) => x.toLocaleString('en-US');
export const pct = (x: number | null, digits = 2) => (x === null ? '-' : `${(x * 100).toFixed(digits)}%`);

export function formatLineProblem(p: LineProblem): string {
  return `${p.file}:${p.line}${p.id ? ` ${p.id}` : ''} ${p.path || '(line)'}: ${p.value} ${p.rule}`;
}

function check(id: CheckId, title: string, severity: Severity, failed: boolean, summary: string, problems: readonly string[], max: number, total = problems.length, skipped = false): CheckResult {
  const status: CheckStatus = skipped ? 'skip' : failed ? 'fail' : 'pass';
  return { id, title, severity, status, summary, problems: problems.slice(0, max), moreProblems: Math.max(0, total - Math.min(max, problems.length)) };
}

export function buildChecks(i: CheckInputs): CheckResult[] {
  const max = i.maxErrors;
  const out: CheckResult[] = [];
  const manifestProblems = [...i.manifestProblems, ...(i.incidentsMissing ? ['incidents.json is missing: the ground truth cannot be checked'] : [])];
  out.push(check('manifest', 'manifest and layout', 'error', manifestProblems.length > 0, manifestProblems.length === 0 ? 'manifest.json lists every file, in the layout, with consistent counts' : `${manifestProblems.length} problem(s)`, manifestProblems, max));
  out.push(fileCheck(i.files, max));
  out.push(schemaCheck(i.kinds, max));
  out.push(labelsCheck(i.kinds, max));
  out.push(...timeChecks(i.kinds, i.time, max));
  out.push(...qualityChecks(i.quality, max));
  out.push(logRealismCheck(i.logRealism, max));
  return out;
}

function fileCheck(files: readonly FileReport[], max: number): CheckResult {
  const problems: string[] = [];
  for (const f of files) {
    if (f.listed && !f.present) {
      problems.push(`${f.path}: listed in manifest.json but not on disk`);
      continue;
    }
    if (f.readError) problems.push(`${f.path}: ${f.readError}`);
    if (f.expectedSha256 !== undefined && f.sha256 !== undefined && f.sha256 !== f.expectedSha256) {
      problems.push(`${f.path}: sha256 ${f.sha256.slice(0, 12)}... differs from the manifest's ${f.expectedSha256.slice(0, 12)}... (changed after it was written)`);
    }
    if (f.expectedBytes !== undefined && f.bytes !== undefined && f.bytes !== f.expectedBytes) problems.push(`${f.path}: ${n(f.bytes)} bytes; manifest.json says ${n(f.expectedBytes)}`);
    if (f.expectedLines !== undefined && f.lines !== undefined && f.lines !== f.expectedLines && !f.readError) problems.push(`${f.path}: ${n(f.lines)} lines; manifest.json says ${n(f.expectedLines)} ${f.role}`);
  }
  const bytes = files.reduce((a, f) => a + (f.bytes ?? 0), 0);
  const summary = problems.length === 0 ? `${files.length} files (${n(bytes)} bytes): sizes, sha256 and line counts match` : `${problems.length} problem(s) in ${new Set(problems.map((p) => p.split(':')[0])).size} file(s)`;
  return check('files', 'checksums and line counts', 'error', problems.length > 0, summary, problems, max);
}

function schemaCheck(kinds: readonly KindReport[], max: number): CheckResult {
  const records = kinds.reduce((a, k) => a + k.records, 0);
  const invalid = kinds.reduce((a, k) => a + k.invalidRecords, 0);
  const total = kinds.reduce((a, k) => a + k.problemCount, 0);
  const notes = kinds.reduce((a, k) => a + k.notes.reduce((b, x) => b + x.count, 0), 0);
  const problems = kinds.flatMap((k) => k.problems.map(formatLineProblem));
  const bad = kinds.filter((k) => k.invalidRecords > 0).map((k) => `${k.kind} ${n(k.invalidRecords)}`);
  const summary = `${n(records)} records in ${kinds.length} kinds: ${invalid === 0 ? 'all valid' : `${n(invalid)} invalid (${bad.join(', ')})`}${notes > 0 ? `; ${n(notes)} advisory note(s)` : ''}`;
  return check('schema', 'records against their native schemas', 'error', invalid > 0, summary, problems, max, total);
}

function labelsCheck(kinds: readonly KindReport[], max: number): CheckResult {
  const lines = kinds.reduce((a, k) => a + k.labels.lines, 0);
  const misaligned = kinds.reduce((a, k) => a + k.labels.misaligned, 0);
  const total = kinds.reduce((a, k) => a + k.labels.problemCount, 0);
  const problems = kinds.flatMap((k) => k.labels.problems.map(formatLineProblem));
  const summary = total === 0 ? `${n(lines)} label lines, one per record with the same id, all valid` : `${n(total)} problem(s)${misaligned > 0 ? `; ${n(misaligned)} label line(s) out of step with their records` : ''}`;
  return check('labels', 'labels beside records', 'error', total > 0, summary, problems, max, total);
}

function timeChecks(kinds: readonly KindReport[], time: TimeSettings | undefined, max: number): CheckResult[] {
  const sum = (f: (k: KindReport) => number) => kinds.reduce((a, k) => a + f(k), 0);
  const problemsWhere = (match: (p: LineProblem) => boolean) => kinds.flatMap((k) => k.time.problems.filter(match).map(formatLineProblem));
  const out: CheckResult[] = [];
  const outside = sum((k) => k.time.outOfRange);
  const exact = sum((k) => k.time.outsideExactRange);
  out.push(
    check(
      'time_range',
      'timestamps inside the range',
      'warning',
      outside > 0,
      time ? `${n(outside)} record(s) outside the range ± ${n(time.toleranceMs)} ms (configured skew + lateness)${exact > 0 ? `; ${n(exact)} within that tolerance but outside the exact range` : ''}` : 'no range known (no manifest)',
      problemsWhere((p) => p.rule.includes('outside the range')),
      max,
      outside,
      !time,
    ),
  );
  const disorder = sum((k) => k.time.disorder);
  const maxLag = Math.max(0, ...kinds.map((k) => k.time.maxLagMs));
  out.push(
    check(
      'arrival_order',
      'arrival order per file',
      'warning',
      disorder > 0,
      time ? `${n(disorder)} record(s) further behind than their labels allow (late_ms, duplicate, declared skew); largest lag ${n(maxLag)} ms, configured lateness ${n(time.maxLateMs)} ms` : 'no range known (no manifest)',
      problemsWhere((p) => p.rule.startsWith('arrives')),
      max,
      disorder,
      !time,
    ),
  );
  const mismatch = sum((k) => k.time.bodyTimeMismatch);
  out.push(check('body_time', 'envelope timestamp = body time', 'warning', mismatch > 0, `${n(mismatch)} record(s) whose envelope timestamp differs from the time in the body`, problemsWhere((p) => p.rule.includes('from the envelope timestamp')), max, mismatch));
  return out;
}

function qualityChecks(q: ValidationReport['quality'], max: number): CheckResult[] {
  const out: CheckResult[] = [];
  if (q.onset) {
    const o = q.onset;
    const missed = o.incidents.flatMap((inc) =>
      inc.sources.filter((s) => s.expected && !s.within).map((s) => `${inc.id} (${inc.type}, onset ${inc.onset}) ${s.source}: ${s.firstAfterMs === undefined ? 'showed nothing' : `first record ${n(Math.round(s.firstAfterMs / 1000))} s after onset`}`),
    );
    const summary = `${n(o.withinWindow)} of ${n(o.incidentRecords)} incident records within 5 min of onset (${pct(o.share, 1)}); ${o.pairs.within} of ${o.pairs.expected} (incident, source) pairs showed something within 5 min over ${o.incidents.length} incident(s)${o.beforeOnset > 0 ? `; ${n(o.beforeOnset)} labelled record(s) before their onset` : ''}`;
    out.push(check('onset', 'incidents visible soon after onset', 'info', missed.length > 0 || o.beforeOnset > 0, summary, missed, max));
  } else out.push(check('onset', 'incidents visible soon after onset', 'info', false, 'no incidents.json or range', [], max, 0, true));
  if (q.spread) {
    const s = q.spread;
    const problems = s.disagreements.map(
      (d) => `${d.incident} ${d.source}: incidents.json ${d.document ? `${n(d.document.records)} records ${d.document.first} .. ${d.document.last}` : 'nothing'}; labels ${d.labels ? `${n(d.labels.records)} records ${d.labels.first} .. ${d.labels.last}` : 'nothing'}`,
    );
    const frac = (x: number) => (s.incidents > 0 ? ` (${pct(x / s.incidents, 0)})` : '');
    const summary = `${s.incidents} incident(s) with onset in range, ${s.generatedSources.length} source(s) generated; >= 3 sources: ${s.document.atLeast3}${frac(s.document.atLeast3)} by incidents.json, ${s.labels.atLeast3}${frac(s.labels.atLeast3)} by labels; all 4: ${s.document.all4} / ${s.labels.all4}${problems.length > 0 ? `; ${problems.length} disagreement(s)` : '; both agree'}`;
    out.push(check('spread', 'incidents across sources', 'warning', problems.length > 0, summary, problems, max));
  } else out.push(check('spread', 'incidents across sources', 'warning', false, 'no incidents.json', [], max, 0, true));
  if (q.volume) {
    const empty = q.volume.sources.filter((s) => s.records === 0).map((s) => `${s.source}: no records although the source was generated`);
    const summary = q.volume.sources.map((s) => `${s.source} ${n(Math.round(s.perDay))}/day (${s.ratio === null ? '-' : `${s.ratio.toFixed(2)}x`} documented)`).join(', ');
    out.push(check('volume', 'records per source', 'info', empty.length > 0, summary, empty, max));
  } else out.push(check('volume', 'records per source', 'info', false, 'no range known', [], max, 0, true));
  const r = q.realism;
  const problems: string[] = [];
  if (!r.duplicates.ok) problems.push(`duplicates: ${pct(r.duplicates.share)} of records, configured ${pct(r.duplicates.configured)} (expected ${pct(r.duplicates.expected[0])} .. ${pct(r.duplicates.expected[1])})`);
  if (!r.late.ok) problems.push(`late arrivals: ${pct(r.late.share)}, configured ${pct(r.late.configured)} (expected ${pct(r.late.expected[0])} .. ${pct(r.late.expected[1])}); largest ${n(r.late.maxMs)} ms, configured at most ${n(r.late.configuredMaxMs)} ms`);
  if (!r.skew.ok) problems.push(`clock skew: ${pct(r.skew.share)} of records carry skew_ms, configured ${pct(r.skew.configured)} of hosts (expected ${pct(r.skew.expected[0])} .. ${pct(r.skew.expected[1])}); largest ${n(r.skew.maxAbsMs)} ms, configured at most ${n(r.skew.configuredMaxMs)} ms`);
  if (!r.missingFields.ok) problems.push(`missing fields: ${pct(r.missingFields.share)}, configured ${pct(r.missingFields.configured)} (expected ${pct(r.missingFields.expected[0])} .. ${pct(r.missingFields.expected[1])})${r.missingFields.contradicted > 0 ? `; ${r.missingFields.contradicted} label(s) declare a field missing that is present` : ''}`);
  const summary = `duplicates ${pct(r.duplicates.share)} (configured ${pct(r.duplicates.configured)}), late ${pct(r.late.share)} (${pct(r.late.configured)}), skewed ${pct(r.skew.share)} of records (${pct(r.skew.configured, 0)} of hosts), missing fields ${pct(r.missingFields.share)} (at most ${pct(r.missingFields.configured)})`;
  out.push(check('realism', 'imperfections vs configuration', 'warning', problems.length > 0, summary, problems, max));
  return out;
}

function logRealismCheck(r: LogRealismReport | null, max: number): CheckResult {
  const title = 'log realism vs public yardsticks';
  if (!r) return check('log_realism', title, 'warning', false, 'no container logs', [], max, 0, true);
  if (r.lines < MIN_REALISM_LINES) return check('log_realism', title, 'warning', false, `${n(r.lines)} container log line(s): too few to compare (at least ${n(MIN_REALISM_LINES)})`, [], max, 0, true);
  const outside = r.comparisons.filter((c) => c.status === 'outside').length;
  const compared = r.comparisons.filter((c) => c.status !== 'n/a').length;
  const summary = `${n(r.templates.count)} templates over ${r.services.length} service(s); miner accuracy ${pct(r.miner.accuracy, 1)} (Drain on LogHub ${pct(YARDSTICKS.drainAccuracy.min, 0)}..${pct(YARDSTICKS.drainAccuracy.max, 0)}); ERROR lines ${pct(r.errors.errorLineShare)} of normal lines; 5xx ${pct(r.errors.http5xxShare)}; diurnal ${r.diurnal.peakToTrough === null ? '-' : `${r.diurnal.peakToTrough.toFixed(1)}x`}; ${outside} of ${compared} figure(s) outside their band`;
  return check('log_realism', title, 'warning', outside > 0, summary, r.notes, max);
}
