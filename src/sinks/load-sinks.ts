// Builds the sinks of a replay from `--sinks FILE` (one block per sink, chosen by `type`) or
// from `--to a,b` (each type's defaults, environment variables included). Every problem in
// the file is reported at once, located.
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, formatPath, type Problem } from '../config/errors.js';
import { displayPath, parseYamlFile, type SourceFile } from '../config/yaml-file.js';
import type { RecordKind } from '../model/record.js';
import type { BatchPolicy } from '../replay/channel.js';
import { DEFAULT_BATCH } from '../replay/channel.js';
import type { ConfiguredSink } from '../replay/replay.js';
import type { Clock } from '../time/clock.js';
import { commonSinkKeys, type CommonSinkConfig } from './common-config.js';
import { sinkType, sinkTypes } from './registry.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retrying.js';

const fileSchema = z.strictObject({ sinks: z.array(z.looseObject({ type: z.string() })).min(1) });

/** `--to` names: the registry's types, with dashes accepted for underscores. */
export function typeOfAlias(name: string): string {
  return name.trim().replace(/-/g, '_');
}

export interface LoadSinksOptions {
  readonly file?: string;
  readonly to?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
}

export async function loadSinks(options: LoadSinksOptions): Promise<ConfiguredSink[]> {
  const problems: Problem[] = [];
  const blocks: Array<{ block: Record<string, unknown>; where: (path: PropertyKey[], message: string) => Problem }> = [];
  const allowed = sinkTypes().map((t) => t.type).join(' | ');
  if (options.file) {
    const path = isAbsolute(options.file) ? options.file : resolve(options.file);
    const parsed = parseYamlFile(path, fileSchema, problems);
    const source: SourceFile = parsed.source;
    parsed.value?.sinks.forEach((block, i) => blocks.push({ block, where: (p, message) => source.problem(['sinks', i, ...p], message) }));
  }
  if (options.to) {
    for (const name of options.to.split(',').map((s) => s.trim()).filter(Boolean)) {
      const t = sinkType(typeOfAlias(name));
      if (!t) {
        problems.push({ path: '--to', message: `"${name}" is not a sink type; allowed: ${allowed}` });
        continue;
      }
      blocks.push({ block: t.defaults(options.env), where: (p, message) => ({ path: `--to ${name}${p.length ? ` ${formatPath(p)}` : ''}`, message }) });
    }
  }
  if (!options.file && !options.to) problems.push({ path: '--to', message: `name at least one sink (--to TYPE[,TYPE] or --sinks FILE); types: ${allowed}` });

  const out: ConfiguredSink[] = [];
  const names = new Map<string, number>();
  for (const { block, where } of blocks) {
    const t = sinkType(String(block.type));
    if (!t) {
      problems.push(where(['type'], `"${String(block.type)}" is not a sink type; allowed: ${allowed}`));
      continue;
    }
    const schema = t.schema.extend(commonSinkKeys);
    const result = schema.safeParse(block);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(where(issue.path as PropertyKey[], describe(issue, block, Object.keys(schema.shape))));
      continue;
    }
    const config = result.data as CommonSinkConfig & Record<string, unknown>;
    const kinds = (config.kinds ?? t.kinds) as RecordKind[];
    const unsupported = kinds.filter((k) => !t.kinds.includes(k));
    if (unsupported.length > 0) {
      problems.push(where(['kinds'], `${unsupported.join(', ')} cannot be sent by a ${t.type} sink; it sends: ${t.kinds.join(' | ')}`));
      continue;
    }
    let name = config.name ?? t.type;
    const seen = names.get(name) ?? 0;
    names.set(name, seen + 1);
    if (seen > 0) {
      if (config.name) {
        problems.push(where(['name'], `"${name}" is used by another sink; names must be distinct`));
        continue;
      }
      name = `${name}-${seen + 1}`;
    }
    const batch: BatchPolicy = {
      maxRecords: config.batch?.max_records ?? DEFAULT_BATCH.maxRecords,
      timeoutMs: config.batch?.timeout_ms ?? DEFAULT_BATCH.timeoutMs,
      maxQueuedRecords: config.batch?.max_queued_records ?? DEFAULT_BATCH.maxQueuedRecords,
    };
    const retry: RetryPolicy = {
      ...DEFAULT_RETRY,
      initialBackoffMs: config.retry?.initial_backoff_ms ?? DEFAULT_RETRY.initialBackoffMs,
      maxBackoffMs: config.retry?.max_backoff_ms ?? DEFAULT_RETRY.maxBackoffMs,
      deadlineMs: config.retry?.deadline_ms ?? DEFAULT_RETRY.deadlineMs,
    };
    try {
      const sink = await t.create(config, { name, kinds, clock: options.clock, timeoutMs: config.timeout_ms ?? 30_000, env: options.env });
      out.push({ sink, batch, retry });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const p of err.problems) problems.push(where([], p.message));
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, options.file ? `invalid sinks in ${displayPath(options.file)}` : 'invalid sinks');
  return out;
}

function describe(issue: z.core.$ZodIssue, block: Record<string, unknown>, keys: readonly string[]): string {
  let value: unknown = block;
  for (const k of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[k as PropertyKey];
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}${issue.path.length === 0 ? `; allowed: ${keys.join(' | ')}` : ''}`;
    case 'invalid_value':
      return `${JSON.stringify(value) ?? 'nothing'} is not allowed; allowed: ${issue.values.map(String).join(' | ')}`;
    case 'invalid_type':
      return value === undefined ? `is required (expected ${issue.expected})` : `${JSON.stringify(value)} is not a ${issue.expected}`;
    default:
      return `${JSON.stringify(value) ?? 'nothing'} is invalid: ${issue.message}`;
  }
}
