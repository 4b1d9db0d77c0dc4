// Splits a log line into the LogHub columns: the message ("Content"), its level and the
// component (logger) that printed it. Every format obsynth writes is recognised by its shape:
// JSON (Spring's logstash encoder, pino, slog / python-json-logger), logfmt, klog, Python
// logging, Spring's console pattern, Go's plain text, and the raw lines of the JVM GC log,
// RabbitMQ, CoreDNS and PostgreSQL on RDS. A line in none of them is its own content.

export type NormalLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL' | '';

export interface ParsedLine {
  readonly content: string;
  readonly level: NormalLevel;
  readonly component: string;
}

const LEVELS: Readonly<Record<string, NormalLevel>> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  debug1: 'DEBUG',
  debug2: 'DEBUG',
  info: 'INFO',
  notice: 'INFO',
  log: 'INFO',
  statement: 'INFO',
  detail: 'INFO',
  hint: 'INFO',
  warn: 'WARN',
  warning: 'WARN',
  error: 'ERROR',
  err: 'ERROR',
  critical: 'FATAL',
  fatal: 'FATAL',
  panic: 'FATAL',
  i: 'INFO',
  w: 'WARN',
  e: 'ERROR',
  f: 'FATAL',
};

/** A level name in any of the formats' spellings, as one of DEBUG, INFO, WARN, ERROR, FATAL. */
export function normalLevel(raw: string | number | undefined): NormalLevel {
  if (raw === undefined) return '';
  if (typeof raw === 'number') return raw >= 60 ? 'FATAL' : raw >= 50 ? 'ERROR' : raw >= 40 ? 'WARN' : raw >= 30 ? 'INFO' : 'DEBUG'; // pino
  return LEVELS[raw.trim().toLowerCase()] ?? '';
}

const KLOG = /^([IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d{6}\s+\d+ ([^\]\s]+)\] ([\s\S]*)$/;
const PYTHON = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) \[([^\]]*)\](?: \[trace_id=[^\]]*\])? ([\s\S]*)$/;
const SPRING = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} +(TRACE|DEBUG|INFO|WARN|ERROR) \d+ --- \[[^\]]*\] (.{40}) : ([\s\S]*)$/;
const GO_PLAIN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z (DEBUG|INFO|WARN|ERROR) ([^\s:]+): ([\s\S]*)$/;
const JVM_GC = /^\[[^\]]+\]\[(\w+)\]\[([\w,]+)\] ([\s\S]*)$/;
const RABBIT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+[+-]\d{2}:\d{2} \[(\w+)\] (<[\d.]+>) ([\s\S]*)$/;
const COREDNS = /^\[(INFO|ERROR|WARNING|DEBUG|FATAL)\] ([\s\S]*)$/;
/** RDS PostgreSQL: '%t:%r:%u@%d:[%p]:' then the severity. */
const POSTGRES = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [A-Z]+:[^:]*:([^@:]*)@([^:]*):\[\d+\]:([A-Z]+):  ([\s\S]*)$/;

/** key=value pairs as logfmt writes them (values bare or as JSON strings). */
export function parseLogfmt(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text[i] === ' ') i++;
    const eq = text.indexOf('=', i);
    if (eq < 0) break;
    const key = text.slice(i, eq);
    if (key.includes(' ')) break;
    i = eq + 1;
    if (text[i] === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const raw = text.slice(i, j + 1);
      try {
        out.set(key, JSON.parse(raw) as string);
      } catch {
        out.set(key, raw.slice(1, -1));
      }
      i = j + 1;
    } else {
      let j = i;
      while (j < n && text[j] !== ' ') j++;
      out.set(key, text.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** The JSON string at the start of text and where it ends, or undefined. */
function leadingJsonString(text: string): { value: string; end: number } | undefined {
  if (text[0] !== '"') return undefined;
  let j = 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  try {
    return { value: JSON.parse(text.slice(0, j + 1)) as string, end: j + 1 };
  } catch {
    return undefined;
  }
}

function fromJson(line: string): ParsedLine | undefined {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null) return undefined;
  const message = typeof o.message === 'string' ? o.message : typeof o.msg === 'string' ? o.msg : undefined;
  if (message === undefined) return undefined;
  const level = typeof o.level === 'number' || typeof o.level === 'string' ? normalLevel(o.level) : '';
  const component = [o.logger_name, o.logger, o.name].find((v): v is string => typeof v === 'string') ?? '';
  return { content: message, level, component };
}

/** A container's log line, as the application (or the datastore) printed it. */
export function parseContainerLine(line: string): ParsedLine {
  if (line.startsWith('{')) {
    const j = fromJson(line);
    if (j) return j;
  }
  if (line.startsWith('time=')) {
    const kv = parseLogfmt(line);
    const msg = kv.get('msg');
    if (msg !== undefined) return { content: msg, level: normalLevel(kv.get('level')), component: kv.get('logger') ?? '' };
  }
  let m = KLOG.exec(line);
  if (m) {
    const msg = leadingJsonString(m[3]!);
    return { content: msg ? msg.value : m[3]!, level: normalLevel(m[1]), component: m[2]! };
  }
  if ((m = PYTHON.exec(line))) return { content: m[3]!, level: normalLevel(m[1]), component: m[2]! };
  if ((m = SPRING.exec(line))) return { content: m[3]!, level: normalLevel(m[1]), component: m[2]!.trimEnd() };
  if ((m = GO_PLAIN.exec(line))) return { content: m[3]!, level: normalLevel(m[1]), component: m[2]! };
  if ((m = JVM_GC.exec(line))) return { content: m[3]!, level: normalLevel(m[1]), component: m[2]! };
  if ((m = RABBIT.exec(line))) return { content: m[3]!, level: normalLevel(m[1]), component: m[2]! };
  if ((m = COREDNS.exec(line))) {
    const plugin = /^plugin\/([\w-]+):/.exec(m[2]!);
    return { content: m[2]!, level: normalLevel(m[1]), component: plugin ? plugin[1]! : 'coredns' };
  }
  return { content: line, level: '', component: '' };
}

/**
 * Plain formats append structured fields after the message (` key=value ...`). Given a test for
 * the template the line was made from, cut them off: the shortest prefix that matches, followed by
 * nothing but logfmt pairs. Returns the content unchanged when no cut matches.
 */
export function trimTrailingFields(content: string, matches: (text: string) => boolean): string {
  if (matches(content)) return content;
  const cut = / (?=[A-Za-z_][\w.]*=)/g;
  for (let m = cut.exec(content); m; m = cut.exec(content)) {
    const head = content.slice(0, m.index);
    if (matches(head) && isLogfmtTail(content.slice(m.index + 1))) return head;
  }
  return content;
}

function isLogfmtTail(text: string): boolean {
  return /^(?:[A-Za-z_][\w.]*=(?:"(?:[^"\\]|\\.)*"|[^\s"]*)(?: |$))+$/.test(text);
}

/** A PostgreSQL line from RDS: severity and user@database from its prefix, the message after. */
export function parsePostgresLine(message: string): ParsedLine {
  const m = POSTGRES.exec(message);
  if (!m) return { content: message, level: '', component: '' };
  const user = m[1]!;
  const db = m[2]!;
  return { content: m[4]!, level: normalLevel(m[3]), component: user || db ? `${user}@${db}` : 'postgres' };
}

/** A CloudWatch Logs event by its log group: ALB access logs, RDS logs, Container Insights application logs. */
export function parseCloudWatchMessage(group: string, message: string): ParsedLine & { readonly wrapped?: boolean } {
  if (group.startsWith('/aws/rds/')) return parsePostgresLine(message);
  if (group.startsWith('/aws/containerinsights/')) {
    // Fluent Bit's record with the container's line in `log`.
    try {
      const o = JSON.parse(message) as { log?: unknown };
      if (typeof o.log === 'string') return { ...parseContainerLine(o.log), wrapped: true };
    } catch {
      // not JSON: the line itself
    }
    return parseContainerLine(message);
  }
  if (group.startsWith('/aws/alb/') || group.includes('elasticloadbalancing')) return { content: message, level: '', component: 'alb' };
  return { content: message, level: '', component: '' };
}
