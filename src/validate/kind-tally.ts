// Everything found about one record kind, across its files: counts always, examples only for the
// first N problems of each sort (so memory stays flat however broken a file is).
import { showValue } from '../config/errors.js';
import { KIND_SOURCE, type RecordKind } from '../model/record.js';
import { pathPattern, type FieldIssue } from './issues.js';
import type { KindReport, LineProblem, NoteCount } from './report.js';
import type { NoteHit } from './schemas/body-note.js';
import { BODY_NOTES } from './schemas/body-schemas.js';

const MAX_RULES = 500;

export interface Where {
  readonly file: string;
  readonly line: number;
  readonly id?: string;
}

export function lineProblem(where: Where, issue: FieldIssue): LineProblem {
  return { ...where, path: issue.path, value: showValue(issue.value), rule: issue.rule };
}

class Examples {
  count = 0;
  readonly list: LineProblem[] = [];
  constructor(private readonly max: number) {}
  add(p: LineProblem): void {
    this.count++;
    if (this.list.length < this.max) this.list.push(p);
  }
}

export class KindTally {
  readonly files: string[] = [];
  records = 0;
  invalidRecords = 0;
  private readonly schema: Examples;
  private readonly rules = new Map<string, number>();
  private readonly notes = new Map<number, { count: number; example: LineProblem }>();
  labelLines = 0;
  misaligned = 0;
  private readonly labelProblems: Examples;
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;
  outOfRange = 0;
  outsideExactRange = 0;
  disorder = 0;
  maxLagMs = 0;
  bodyTimeMismatch = 0;
  private readonly timeProblems: Examples;

  constructor(
    readonly kind: RecordKind,
    maxExamples: number,
  ) {
    this.schema = new Examples(maxExamples);
    this.labelProblems = new Examples(maxExamples);
    this.timeProblems = new Examples(maxExamples);
  }

  schemaIssues(where: Where, issues: readonly FieldIssue[]): void {
    if (issues.length === 0) return;
    this.invalidRecords++;
    for (const issue of issues) {
      this.schema.add(lineProblem(where, issue));
      const key = `${pathPattern(issue.path) || '(line)'}: ${issue.rule}`;
      if (this.rules.has(key) || this.rules.size < MAX_RULES) this.rules.set(key, (this.rules.get(key) ?? 0) + 1);
    }
  }

  note(where: Where, index: number, hit: NoteHit): void {
    const cur = this.notes.get(index);
    if (cur) cur.count++;
    else this.notes.set(index, { count: 1, example: lineProblem(where, { path: hit.path, value: hit.value, rule: BODY_NOTES[this.kind][index]!.rule }) });
  }

  labelIssue(where: Where, issue: FieldIssue): void {
    this.labelProblems.add(lineProblem(where, issue));
  }

  timeIssue(where: Where, issue: FieldIssue): void {
    this.timeProblems.add(lineProblem(where, issue));
  }

  seen(timestamp: number): void {
    if (timestamp < this.first) this.first = timestamp;
    if (timestamp > this.last) this.last = timestamp;
  }

  toReport(): KindReport {
    const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : undefined);
    const notes: NoteCount[] = [...this.notes.entries()].map(([index, n]) => ({ rule: BODY_NOTES[this.kind][index]!.rule, source: BODY_NOTES[this.kind][index]!.source, count: n.count, example: n.example }));
    return {
      kind: this.kind,
      source: KIND_SOURCE[this.kind],
      files: this.files,
      records: this.records,
      invalidRecords: this.invalidRecords,
      problemCount: this.schema.count,
      problems: this.schema.list,
      rules: [...this.rules.entries()].map(([rule, count]) => ({ rule, count })).sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule)),
      notes,
      labels: { lines: this.labelLines, misaligned: this.misaligned, problemCount: this.labelProblems.count, problems: this.labelProblems.list },
      time: {
        first: iso(this.first),
        last: iso(this.last),
        outOfRange: this.outOfRange,
        outsideExactRange: this.outsideExactRange,
        disorder: this.disorder,
        maxLagMs: this.maxLagMs,
        bodyTimeMismatch: this.bodyTimeMismatch,
        problems: this.timeProblems.list,
      },
    };
  }
}
