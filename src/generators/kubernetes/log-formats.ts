// How each service prints a log line, by format and language: pino JSON (Node), logstash JSON
// (Spring Boot), slog logfmt (Go), Python logging, Spring's console pattern, and klog. Errors
// carry their stack the way each runtime prints it: inside the JSON, or as extra lines.
import type { StackFrame } from '@sentry/core';
import type { Service } from '../../model/topology.js';
import type { Pod } from '../../simulation/rollouts.js';
import { isoMillis, klogTime, pythonAsctime, javaTimestamp } from '../../time/calendar.js';
import type { Arg, Template } from '../template.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  /** When the app stamped it (host clock). */
  readonly t: number;
  readonly level: Level;
  readonly template: Template;
  readonly args: readonly Arg[];
  /** Logger / module name. */
  readonly logger: string;
  /** klog's file:line. */
  readonly source?: string;
  readonly traceId?: string;
  readonly spanId?: string;
  readonly fields?: ReadonlyArray<readonly [string, Arg]>;
  readonly error?: { readonly type: string; readonly module?: string; readonly message: string; readonly frames: readonly StackFrame[] };
  /** Thread / goroutine hint for formats that show one. */
  readonly thread?: string;
}

export interface Rendered {
  readonly lines: string[];
  readonly stream: 'stdout' | 'stderr';
}

const PINO_LEVEL: Record<Level, number> = { debug: 20, info: 30, warn: 40, error: 50 };
const JAVA_LEVEL: Record<Level, [string, number]> = { debug: ['DEBUG', 10000], info: ['INFO', 20000], warn: ['WARN', 30000], error: ['ERROR', 40000] };
const UPPER: Record<Level, string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };
const PY_LEVEL: Record<Level, string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' };
const KLOG_LEVEL: Record<Level, string> = { debug: 'I', info: 'I', warn: 'W', error: 'E' };

const q = JSON.stringify;

/** logfmt value: bare when safe, quoted otherwise. */
function lf(v: Arg): string {
  const s = String(v);
  return s !== '' && /^[^\s"=]+$/.test(s) ? s : q(s);
}

function javaStack(e: NonNullable<LogLine['error']>, appFrames: readonly StackFrame[]): string {
  const frames = [...appFrames, ...e.frames].reverse();
  const type = e.module ? `${e.module}.${e.type}` : e.type;
  let out = `${type}: ${e.message}`;
  for (const fr of frames) out += `\n\tat ${fr.module}.${fr.function}(${fr.filename}:${fr.lineno})`;
  return out;
}

function nodeStack(e: NonNullable<LogLine['error']>, appFrames: readonly StackFrame[]): string {
  const frames = [...appFrames, ...e.frames].reverse();
  let out = `${e.type}: ${e.message}`;
  for (const fr of frames) out += `\n    at ${fr.function} (${fr.filename}:${fr.lineno}:${fr.colno ?? 1})`;
  return out;
}

function pythonTraceback(e: NonNullable<LogLine['error']>, appFrames: readonly StackFrame[]): string[] {
  const lines = ['Traceback (most recent call last):'];
  for (const fr of [...appFrames, ...e.frames]) {
    const file = fr.abs_path ?? `/usr/local/lib/python3.12/site-packages/${fr.filename}`;
    lines.push(`  File "${file}", line ${fr.lineno}, in ${fr.function}`);
  }
  lines.push(`${e.module ? `${e.module}.` : ''}${e.type}: ${e.message}`);
  return lines;
}

function goFields(line: LogLine): string {
  let out = '';
  if (line.fields) for (const [k, v] of line.fields) out += ` ${k}=${lf(v)}`;
  if (line.traceId) out += ` trace_id=${line.traceId} span_id=${line.spanId ?? ''}`;
  if (line.error) out += ` error=${q(line.error.message)}`;
  return out;
}

export function renderLog(service: Service, pod: Pod, line: LogLine, appFrames: readonly StackFrame[] = []): Rendered {
  const msg = line.template.fill(line.args);
  const format = service.config.log_format;
  const lang = service.language;
  if (format === 'json') {
    if (lang === 'java') {
      const [lvl, lvlValue] = JAVA_LEVEL[line.level];
      let s = `{"@timestamp":"${isoMillis(line.t)}","@version":"1","message":${q(msg)},"logger_name":"${line.logger}","thread_name":"${line.thread ?? 'main'}","level":"${lvl}","level_value":${lvlValue}`;
      if (line.traceId) s += `,"traceId":"${line.traceId}","spanId":"${line.spanId ?? ''}"`;
      if (line.fields) for (const [k, v] of line.fields) s += `,${q(k)}:${typeof v === 'number' ? v : q(v)}`;
      if (line.error) s += `,"stack_trace":${q(javaStack(line.error, appFrames))}`;
      return { lines: [`${s}}`], stream: 'stdout' };
    }
    if (lang === 'node') {
      let s = `{"level":${PINO_LEVEL[line.level]},"time":${Math.floor(line.t)},"pid":1,"hostname":"${pod.name}","name":"${line.logger}"`;
      if (line.traceId) s += `,"trace_id":"${line.traceId}","span_id":"${line.spanId ?? ''}","trace_flags":"01"`;
      if (line.fields) for (const [k, v] of line.fields) s += `,${q(k)}:${typeof v === 'number' ? v : q(v)}`;
      if (line.error) s += `,"err":{"type":"${line.error.type}","message":${q(line.error.message)},"stack":${q(nodeStack(line.error, appFrames))}}`;
      return { lines: [`${s},"msg":${q(msg)}}`], stream: 'stdout' };
    }
    // Go slog JSON / python-json-logger share this shape.
    let s = `{"time":"${isoMillis(line.t)}","level":"${UPPER[line.level]}","logger":"${line.logger}","msg":${q(msg)}`;
    if (line.traceId) s += `,"trace_id":"${line.traceId}","span_id":"${line.spanId ?? ''}"`;
    if (line.fields) for (const [k, v] of line.fields) s += `,${q(k)}:${typeof v === 'number' ? v : q(v)}`;
    if (line.error) s += `,"error":${q(line.error.message)},"error_type":${q(line.error.type)}`;
    return { lines: [`${s}}`], stream: 'stdout' };
  }
  if (format === 'logfmt') {
    return { lines: [`time=${isoMillis(line.t)} level=${UPPER[line.level]} msg=${q(msg)} logger=${line.logger}${goFields(line)}`], stream: 'stdout' };
  }
  if (format === 'klog') {
    let s = `${KLOG_LEVEL[line.level]}${klogTime(line.t, Math.floor((line.t % 1) * 1000))}       1 ${line.source ?? 'main.go:1'}] ${q(msg)}`;
    if (line.fields) for (const [k, v] of line.fields) s += ` ${k}=${typeof v === 'number' ? v : q(v)}`;
    if (line.traceId) s += ` traceID="${line.traceId}"`;
    if (line.error) s += ` err=${q(line.error.message)}`;
    return { lines: [s], stream: line.level === 'error' ? 'stderr' : 'stdout' };
  }
  // plain
  if (lang === 'python') {
    let s = `${pythonAsctime(line.t)} ${PY_LEVEL[line.level]} [${line.logger}]`;
    if (line.traceId) s += ` [trace_id=${line.traceId} span_id=${line.spanId ?? ''}]`;
    s += ` ${msg}`;
    if (line.fields) for (const [k, v] of line.fields) s += ` ${k}=${v}`;
    if (!line.error) return { lines: [s], stream: 'stderr' };
    return { lines: [s, ...pythonTraceback(line.error, appFrames)], stream: 'stderr' };
  }
  if (lang === 'java') {
    const lvl = UPPER[line.level].padStart(5);
    let s = `${javaTimestamp(line.t)} ${lvl} 1 --- [${(line.thread ?? 'main').slice(-15).padStart(15)}] ${line.logger.padEnd(40).slice(0, 40)} : ${msg}`;
    if (line.fields) for (const [k, v] of line.fields) s += ` ${k}=${v}`;
    if (!line.error) return { lines: [s], stream: 'stdout' };
    return { lines: [s, ...javaStack(line.error, appFrames).split('\n')], stream: 'stdout' };
  }
  return { lines: [`${isoMillis(line.t)} ${UPPER[line.level]} ${line.logger}: ${msg}${goFields(line)}`], stream: 'stdout' };
}
