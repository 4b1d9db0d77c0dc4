// Errors the user can fix. They carry every problem at once, each naming where it is.

export interface Problem {
  /** File the problem is in (as the user gave it), if any. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** Key path like `services[2].endpoints[0].latency_ms.p99`. */
  readonly path?: string;
  readonly message: string;
}

export function formatProblem(p: Problem): string {
  let where = p.file ?? '';
  if (where && p.line !== undefined) where += `:${p.line}${p.column !== undefined ? `:${p.column}` : ''}`;
  const parts = [where, p.path].filter((s) => s !== undefined && s !== '');
  return parts.length > 0 ? `${parts.join(' ')}: ${p.message}` : p.message;
}

/** Bad configuration or options: the CLI prints the list and exits 2, writing nothing. */
export class ConfigError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[], title = 'invalid configuration') {
    const plural = problems.length === 1 ? 'problem' : 'problems';
    super(`${title} (${problems.length} ${plural}):\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** A bad command-line option. Also exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Renders a key path the way users write it: a.b[2].c */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** A short rendering of a bad value for an error message. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
