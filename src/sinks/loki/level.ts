// The `level` stream label, read from a log line the way log shippers detect it (Loki's own
// detected_level, Promtail/Alloy stages): a JSON "level" field (words or pino numbers), logfmt
// level=, a klog header letter, or a level word near the start of Python, Java, Go, or PostgreSQL
// lines. Values are normalised to trace | debug | info | warn | error | critical | fatal;
// a line whose level cannot be told gets no label (never a guess).

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'critical' | 'fatal';

const WORDS: Readonly<Record<string, LogLevel>> = {
  trace: 'trace',
  debug: 'debug',
  debug1: 'debug',
  debug2: 'debug',
  debug3: 'debug',
  debug4: 'debug',
  debug5: 'debug',
  info: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  log: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  severe: 'error',
  critical: 'critical',
  crit: 'critical',
  alert: 'critical',
  emerg: 'fatal',
  emergency: 'fatal',
  fatal: 'fatal',
  panic: 'fatal',
};

/** pino / bunyan numeric levels. */
function numericLevel(n: number): LogLevel | undefined {
  if (n >= 60) return 'fatal';
  if (n >= 50) return 'error';
  if (n >= 40) return 'warn';
  if (n >= 30) return 'info';
  if (n >= 20) return 'debug';
  if (n >= 10) return 'trace';
  return undefined;
}

/** A level word in any case ("WARNING", "warn", "Error"). */
export function normalizeLevel(word: string): LogLevel | undefined {
  return WORDS[word.toLowerCase()];
}

// "level":"info" / "level":30, also inside an escaped JSON string (\"level\":\"INFO\").
const JSON_LEVEL = /\\?"(?:level|lvl|severity|levelname|loglevel|log\.level|@l)\\?"\s*:\s*(?:\\?"([A-Za-z]+[0-9]?)\\?"|(\d+))/;
// Fluent Bit's wrapper around a container line: "log":"<the line>".
const WRAPPED_LOG = /"log"\s*:\s*"((?:[^"\\]|\\.){0,400})/;
const KLOG = /^([IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d+\s/;
const LOGFMT = /(?:^|\s)(?:level|lvl|severity)=("?)([A-Za-z]+)\1(?=\s|$)/;
// PostgreSQL's log_line_prefix ends with "<LEVEL>:  ".
const POSTGRES = /:(DEBUG[1-5]|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC):\s/;
// An upper-case level word standing alone near the start (Python, Spring, plain Go lines).
const WORD = /(?:^|[\s[|])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|SEVERE|CRITICAL|FATAL|PANIC)(?=[\s\]:|]|$)/;
const KLOG_LETTER: Readonly<Record<string, LogLevel>> = { I: 'info', W: 'warn', E: 'error', F: 'fatal' };

/** The level a log line states, or undefined when it states none. */
export function parseLevel(line: string, depth = 0): LogLevel | undefined {
  const first = line.charCodeAt(0);
  if (first === 123 /* { */) {
    const m = JSON_LEVEL.exec(line);
    if (m) return m[1] !== undefined ? normalizeLevel(m[1]) : numericLevel(Number(m[2]));
    if (depth === 0) {
      const wrapped = WRAPPED_LOG.exec(line);
      if (wrapped) return parseLevel(unescapeJsonFragment(wrapped[1]!), 1);
    }
    return undefined;
  }
  const k = KLOG.exec(line);
  if (k) return KLOG_LETTER[k[1]!];
  const head = line.length > 160 ? line.slice(0, 160) : line;
  const lf = LOGFMT.exec(head);
  if (lf) return normalizeLevel(lf[2]!);
  const pg = POSTGRES.exec(head);
  if (pg) return normalizeLevel(pg[1]!);
  const w = WORD.exec(head);
  if (w) return normalizeLevel(w[1]!);
  return undefined;
}

/** The start of a JSON string's content, unescaped well enough to read a level from. */
function unescapeJsonFragment(s: string): string {
  return s.replace(/\\(["\\/bfnrt])/g, (_m, c: string) => (c === 'n' || c === 'r' || c === 't' || c === 'b' || c === 'f' ? ' ' : c));
}
