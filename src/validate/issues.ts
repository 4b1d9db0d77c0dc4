// Zod issues -> problems a person can act on: the key path, the bad value and the rule, e.g.
// `body.MetricData[0].Unit: "Secs" is not allowed; allowed: Seconds | ...`.
import type { z } from 'zod';
import { formatPath } from '../config/errors.js';
import { valueAt } from './schemas/body-schemas.js';

export interface FieldIssue {
  /** Key path from the line's root, e.g. `body.contexts.trace.trace_id`. */
  readonly path: string;
  readonly value: unknown;
  /** What is wrong, without the value (so equal rules group together). */
  readonly rule: string;
}

/** The path with array indices folded, so `spans[3].status` and `spans[7].status` group together. */
export function pathPattern(path: string): string {
  return path.replace(/\[\d+\]/g, '[]');
}

function describe(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined ? `is required (expected ${issue.expected})` : `is not a ${issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : `is not allowed; allowed: ${issue.values.map((v) => String(v)).join(' | ')}`;
    case 'too_small': {
      const n = String(issue.minimum);
      if (issue.origin === 'array') return `has too few items; needs at least ${n}`;
      if (issue.origin === 'string') return `is too short; needs at least ${n} character(s)`;
      return `is too small; must be ${issue.inclusive === false ? '>' : '>='} ${n}`;
    }
    case 'too_big': {
      const n = String(issue.maximum);
      if (issue.origin === 'array') return `has too many items; at most ${n}`;
      if (issue.origin === 'string') return `is too long; at most ${n} character(s)`;
      return `is too big; must be ${issue.inclusive === false ? '<' : '<='} ${n}`;
    }
    case 'invalid_format':
      // Our regexes carry a message that says what is expected; zod's default names the pattern.
      return issue.message.startsWith('Invalid') ? `does not match ${issue.pattern ?? issue.format}` : issue.message;
    default:
      return issue.message;
  }
}

/**
 * Flattens zod issues (choosing the closest branch of a union) into field issues under `prefix`,
 * one per field: the first rule a value breaks is the one to fix.
 */
export function toFieldIssues(issues: readonly z.core.$ZodIssue[], root: unknown, prefix: readonly PropertyKey[] = []): FieldIssue[] {
  const seen = new Set<string>();
  return flatten(issues, root, prefix).filter((i) => !seen.has(i.path) && (seen.add(i.path), true));
}

function flatten(issues: readonly z.core.$ZodIssue[], root: unknown, prefix: readonly PropertyKey[]): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as PropertyKey[])];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // The branch that failed least is the one the data meant to be.
      const best = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
      if (best.length > 0) {
        out.push(...flatten(best, root, path));
        continue;
      }
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...path, key]), value: valueAt(root, [...path, key]), rule: 'is not a known field' });
      continue;
    }
    const value = valueAt(root, path);
    out.push({ path: formatPath(path), value, rule: describe(issue, value) });
  }
  return out;
}
