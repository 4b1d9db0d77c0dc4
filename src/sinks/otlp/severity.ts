// Severity of a log line as an OTLP SeverityNumber and its text, read from the line the way a
// log pipeline's parsers would: a JSON level field (pino numbers or words), logfmt `level=`, the
// klog header letter, a level word after a leading timestamp (Python logging, Spring, Go),
// bracketed levels ([ERROR], JVM unified logging [info][gc]) and PostgreSQL's `LOG:`/`ERROR:`.
// Lines that carry no level (stack-trace continuation lines, banners) stay UNSPECIFIED: a
// severity is never invented.
import { SeverityNumber } from '@opentelemetry/api-logs';

export interface Severity {
  readonly number: SeverityNumber;
  /** The level as the source wrote it (pino numbers as pino's names). */
  readonly text: string;
}

export const UNSPECIFIED: Severity = Object.freeze({ number: SeverityNumber.UNSPECIFIED, text: '' });

const WORDS: Readonly<Record<string, SeverityNumber>> = {
  TRACE: SeverityNumber.TRACE,
  FINEST: SeverityNumber.TRACE,
  FINER: SeverityNumber.TRACE2,
  DEBUG: SeverityNumber.DEBUG,
  DEBUG1: SeverityNumber.DEBUG,
  DEBUG2: SeverityNumber.DEBUG,
  DEBUG3: SeverityNumber.DEBUG,
  DEBUG4: SeverityNumber.DEBUG,
  DEBUG5: SeverityNumber.DEBUG,
  FINE: SeverityNumber.DEBUG,
  CONFIG: SeverityNumber.DEBUG2,
  INFO: SeverityNumber.INFO,
  INFORMATION: SeverityNumber.INFO,
  LOG: SeverityNumber.INFO,
  NOTICE: SeverityNumber.INFO2,
  WARN: SeverityNumber.WARN,
  WARNING: SeverityNumber.WARN,
  ERROR: SeverityNumber.ERROR,
  ERR: SeverityNumber.ERROR,
  SEVERE: SeverityNumber.ERROR,
  CRITICAL: SeverityNumber.FATAL,
  CRIT: SeverityNumber.FATAL,
  ALERT: SeverityNumber.FATAL2,
  FATAL: SeverityNumber.FATAL,
  PANIC: SeverityNumber.FATAL3,
  EMERG: SeverityNumber.FATAL4,
  EMERGENCY: SeverityNumber.FATAL4,
};

/** A level word (any case) as a severity, or undefined when it is not one. */
export function severityOfWord(word: string): Severity | undefined {
  const n = WORDS[word.toUpperCase()];
  return n === undefined ? undefined : { number: n, text: word };
}

/** pino's numeric levels (10 trace ... 60 fatal). */
function severityOfPino(level: number): Severity {
  if (level >= 60) return { number: SeverityNumber.FATAL, text: 'fatal' };
  if (level >= 50) return { number: SeverityNumber.ERROR, text: 'error' };
  if (level >= 40) return { number: SeverityNumber.WARN, text: 'warn' };
  if (level >= 30) return { number: SeverityNumber.INFO, text: 'info' };
  if (level >= 20) return { number: SeverityNumber.DEBUG, text: 'debug' };
  return { number: SeverityNumber.TRACE, text: 'trace' };
}

const KLOG: Readonly<Record<string, Severity>> = {
  I: { number: SeverityNumber.INFO, text: 'INFO' },
  W: { number: SeverityNumber.WARN, text: 'WARNING' },
  E: { number: SeverityNumber.ERROR, text: 'ERROR' },
  F: { number: SeverityNumber.FATAL, text: 'FATAL' },
};

// A level key in a JSON object, not inside an escaped string ("msg":"...\"level\":...").
const JSON_LEVEL = /(?<!\\)"(?:level|severity|levelname|log\.level|loglevel|lvl)"\s*:\s*(?:"([A-Za-z]+)"|(\d+))/i;
const LOGFMT_LEVEL = /(?:^|\s)(?:level|lvl|severity)=(?:"([A-Za-z]+)"|([A-Za-z]+))/i;
const KLOG_HEADER = /^([IWEF])\d{4} \d{2}:\d{2}:\d{2}/;
// Leading timestamp then a level word: Python logging, Spring Boot console, Go text, syslog-ish.
const STAMPED = /^\[?\d{4}[-/]\d{2}[-/]\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2}| UTC)?\]?\s+\[?([A-Za-z]+)\]?[\s:]/;
// [ERROR] plugin/errors ... (CoreDNS) and [2026-...][info][gc] (JVM unified logging)
const BRACKETED = /^\[([A-Za-z]+)\]\s|^\[[^\]]*\]\[([A-Za-z]+)\]/;
// PostgreSQL log_line_prefix lines: "...:[33482]:LOG:  disconnection ..."
const POSTGRES = /:(LOG|ERROR|FATAL|PANIC|WARNING|NOTICE|INFO|DEBUG[1-5]?|DETAIL|HINT|STATEMENT|CONTEXT):\s\s/;
// Redis: "1:M 24 Nov 2026 14:00:00.000 * Ready to accept connections" ('.' debug, '-' verbose, '*' notice, '#' warning)
const REDIS = /^\d+:[XCSM] \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3} ([.\-*#]) /;
const REDIS_LEVELS: Readonly<Record<string, Severity>> = {
  '.': { number: SeverityNumber.DEBUG, text: 'debug' },
  '-': { number: SeverityNumber.DEBUG2, text: 'verbose' },
  '*': { number: SeverityNumber.INFO2, text: 'notice' },
  '#': { number: SeverityNumber.WARN, text: 'warning' },
};

/** The severity a line states, or UNSPECIFIED. */
export function parseSeverity(line: string): Severity {
  const first = line.charCodeAt(0);
  if (first === 123 /* { */) {
    const m = JSON_LEVEL.exec(line);
    if (m) {
      if (m[2] !== undefined) return severityOfPino(Number(m[2]));
      const s = severityOfWord(m[1]!);
      if (s) return s;
    }
    return UNSPECIFIED;
  }
  const k = KLOG_HEADER.exec(line);
  if (k) return KLOG[k[1]!]!;
  if (first >= 48 && first <= 57) {
    const s = STAMPED.exec(line);
    if (s) {
      const sev = severityOfWord(s[1]!);
      if (sev) return sev;
    }
  }
  const lf = LOGFMT_LEVEL.exec(line);
  if (lf) {
    const sev = severityOfWord(lf[1] ?? lf[2]!);
    if (sev) return sev;
  }
  if (first === 91 /* [ */) {
    const b = BRACKETED.exec(line);
    if (b) {
      const sev = severityOfWord(b[1] ?? b[2]!);
      if (sev) return sev;
    }
    const s = STAMPED.exec(line);
    if (s) {
      const sev = severityOfWord(s[1]!);
      if (sev) return sev;
    }
  }
  const pg = POSTGRES.exec(line);
  if (pg) {
    const word = pg[1]!;
    // DETAIL/HINT/STATEMENT/CONTEXT lines belong to the message before them: no level of their own.
    return severityOfWord(word) ?? { number: SeverityNumber.UNSPECIFIED, text: word };
  }
  const r = REDIS.exec(line);
  if (r) return REDIS_LEVELS[r[1]!]!;
  return UNSPECIFIED;
}
