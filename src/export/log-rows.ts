// One log line as a row: the LogHub columns (date and time, level, component, content, event id
// and template) plus where it came from and what the labels say about it. Used by the LogHub CSV
// export, the Parquet / Arrow log tables and the realism check.
import type { RecordKind } from '../model/record.js';
import type { FileEnvelope } from './dataset-input.js';
import { parseCloudWatchMessage, parseContainerLine, trimTrailingFields, type NormalLevel } from './log-parse.js';
import { STACKTRACE_TEMPLATE_ID, type TemplateRegistry } from './template-registry.js';

/** The record kinds that hold log lines or error messages. */
export const LOG_KINDS = ['kubernetes_log', 'cloudwatch_log', 'sentry_error'] as const satisfies readonly RecordKind[];
export type LogKind = (typeof LOG_KINDS)[number];

export interface LogRow {
  readonly timestamp: number;
  readonly service: string;
  /** Pod (container logs), log stream (CloudWatch) or server name (Sentry). */
  readonly host: string;
  readonly level: NormalLevel;
  readonly component: string;
  readonly content: string;
  readonly eventId: string;
  readonly eventTemplate: string;
  /** The content matches its EventTemplate (false also when the template is unknown). */
  readonly matched: boolean;
  readonly anomalous: boolean;
  readonly incidentId: string;
  readonly phase: string;
  readonly traceId: string;
  readonly flags: string;
}

interface KubernetesLogBodyLike {
  log?: unknown;
  stream?: unknown;
  kubernetes?: { pod_name?: unknown; host?: unknown; container_name?: unknown };
}

interface CloudWatchLogBodyLike {
  logGroupName?: unknown;
  logStreamName?: unknown;
  logEvents?: Array<{ message?: unknown; timestamp?: unknown }>;
}

interface SentryErrorLike {
  level?: unknown;
  logger?: unknown;
  server_name?: unknown;
  exception?: { values?: Array<{ type?: unknown; value?: unknown; module?: unknown }> };
  message?: unknown;
}

/** What a row reads of a label line (a LabelLine, or one validate parsed). */
export interface RowLabel {
  readonly anomalous: boolean;
  readonly incident_id?: string;
  readonly phase?: string;
  readonly template_id?: string;
  readonly late_ms?: number;
  readonly skew_ms?: number;
  readonly duplicate?: boolean;
  readonly missing_fields?: readonly string[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The flags a label declares, compactly: duplicate;late_ms=..;skew_ms=..;missing=a,b */
export function labelFlags(label: RowLabel | undefined): string {
  if (!label) return '';
  const out: string[] = [];
  if (label.duplicate) out.push('duplicate');
  if (label.late_ms !== undefined) out.push(`late_ms=${label.late_ms}`);
  if (label.skew_ms !== undefined) out.push(`skew_ms=${label.skew_ms}`);
  if (label.missing_fields?.length) out.push(`missing=${label.missing_fields.join(',')}`);
  return out.join(';');
}

export class LogRowBuilder {
  constructor(private readonly registry: TemplateRegistry) {}

  /** The row of a log record, or undefined for a kind that holds no log lines. */
  build(kind: RecordKind, record: FileEnvelope, label: RowLabel | undefined): LogRow | undefined {
    let parsed: { content: string; level: NormalLevel; component: string };
    let host = '';
    const templateId = label?.template_id ?? '';
    if (kind === 'kubernetes_log') {
      const b = record.body as KubernetesLogBodyLike;
      const line = str(b.log);
      parsed = templateId === STACKTRACE_TEMPLATE_ID ? { content: line, level: '', component: '' } : parseContainerLine(line);
      host = str(b.kubernetes?.pod_name);
    } else if (kind === 'cloudwatch_log') {
      const b = record.body as CloudWatchLogBodyLike;
      const message = str(b.logEvents?.[0]?.message);
      parsed = parseCloudWatchMessage(str(b.logGroupName), message);
      host = str(b.logStreamName);
    } else if (kind === 'sentry_error') {
      const b = record.body as SentryErrorLike;
      const values = b.exception?.values ?? [];
      const primary = values[values.length - 1];
      const type = str(primary?.type);
      const module = str(primary?.module);
      parsed = {
        content: primary ? str(primary.value) : str(b.message),
        level: (str(b.level).toUpperCase() === 'WARNING' ? 'WARN' : (str(b.level).toUpperCase() as NormalLevel)) || 'ERROR',
        component: str(b.logger) || (module ? `${module}.${type}` : type),
      };
      host = str(b.server_name);
    } else return undefined;
    const entry = templateId ? this.registry.get(templateId) : undefined;
    let content = parsed.content;
    let matched = false;
    if (entry) {
      const test = (text: string) => this.registry.matches(templateId, text);
      content = trimTrailingFields(content, test);
      matched = test(content);
    }
    return {
      timestamp: record.timestamp,
      service: record.service,
      host,
      level: parsed.level,
      component: parsed.component,
      content,
      eventId: templateId,
      eventTemplate: entry?.eventTemplate ?? '',
      matched,
      anomalous: label?.anomalous ?? false,
      incidentId: label?.incident_id ?? '',
      phase: label?.phase ?? '',
      traceId: record.trace_id ?? '',
      flags: labelFlags(label),
    };
  }
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** LogHub's Date and Time columns, in UTC: 2026-11-24 and 14:00:01.408. */
export function dateTimeParts(ms: number): [string, string] {
  const d = new Date(ms);
  return [`${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`, `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`];
}
