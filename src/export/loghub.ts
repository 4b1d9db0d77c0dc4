// `obsynth export --format loghub`: the log lines of each source (or of each service of each
// source) as LogHub's structured CSV, `<name>.log_structured.csv`, and its template list,
// `<name>.log_templates.csv`. obsynth knows which template made every line, so EventId and
// EventTemplate are the truth, not a parser's guess.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KIND_SOURCE } from '../model/record.js';
import { CsvWriter } from './csv.js';
import { readKind, type DatasetInput } from './dataset-input.js';
import { dateTimeParts, LogRowBuilder, type LogKind, type LogRow } from './log-rows.js';
import type { TemplateRegistry } from './template-registry.js';

export const LOGHUB_COLUMNS = ['LineId', 'Date', 'Time', 'Service', 'Host', 'Level', 'Component', 'Content', 'EventId', 'EventTemplate', 'Anomaly', 'IncidentId', 'Phase', 'TraceId', 'Flags'] as const;
export const TEMPLATE_COLUMNS = ['EventId', 'EventTemplate', 'Occurrences'] as const;

export interface LoghubFile {
  readonly path: string;
  readonly templatesPath: string;
  readonly kind: LogKind;
  readonly service?: string;
  readonly rows: number;
  readonly templates: number;
  /** Rows labelled with an incident. */
  readonly anomalous: number;
  /** Rows whose Content does not match their EventTemplate (or whose template is unknown). */
  readonly unmatched: number;
}

export interface LoghubOptions {
  readonly input: DatasetInput;
  readonly registry: TemplateRegistry;
  /** The export folder. */
  readonly out: string;
  readonly by: 'source' | 'service';
  readonly kinds: readonly LogKind[];
  readonly onBytes?: (n: number) => void;
  readonly onRows?: (n: number) => void;
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_') || '_';

class LoghubTarget {
  private readonly writer: CsvWriter;
  private readonly counts = new Map<string, number>();
  private anomalous = 0;
  private unmatched = 0;

  constructor(
    private readonly out: string,
    private readonly name: string,
    private readonly kind: LogKind,
    private readonly service: string | undefined,
    private readonly registry: TemplateRegistry,
  ) {
    mkdirSync(dirname(join(out, name)), { recursive: true });
    this.writer = new CsvWriter(join(out, `${name}.log_structured.csv`), LOGHUB_COLUMNS);
  }

  async add(row: LogRow): Promise<void> {
    const [date, time] = dateTimeParts(row.timestamp);
    if (row.eventId) this.counts.set(row.eventId, (this.counts.get(row.eventId) ?? 0) + 1);
    if (row.anomalous) this.anomalous++;
    if (!row.matched) this.unmatched++;
    await this.writer.write([this.writer.rows + 1, date, time, row.service, row.host, row.level, row.component, row.content, row.eventId, row.eventTemplate, row.anomalous ? 1 : 0, row.incidentId, row.phase, row.traceId, row.flags]);
  }

  async close(): Promise<LoghubFile> {
    const rows = await this.writer.close();
    const templates = new CsvWriter(join(this.out, `${this.name}.log_templates.csv`), TEMPLATE_COLUMNS);
    for (const [id, count] of [...this.counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) await templates.write([id, this.registry.get(id)?.eventTemplate ?? '', count]);
    await templates.close();
    return {
      path: `${this.name}.log_structured.csv`,
      templatesPath: `${this.name}.log_templates.csv`,
      kind: this.kind,
      ...(this.service !== undefined ? { service: this.service } : {}),
      rows,
      templates: this.counts.size,
      anomalous: this.anomalous,
      unmatched: this.unmatched,
    };
  }
}

export async function exportLoghub(o: LoghubOptions): Promise<LoghubFile[]> {
  const builder = new LogRowBuilder(o.registry);
  const files: LoghubFile[] = [];
  for (const kind of o.kinds) {
    const source = KIND_SOURCE[kind];
    const targets = new Map<string, LoghubTarget>();
    const targetOf = (service: string): LoghubTarget => {
      const key = o.by === 'service' ? service : '';
      let t = targets.get(key);
      if (!t) {
        const name = o.by === 'service' ? `${source}/${safeName(service)}` : source;
        targets.set(key, (t = new LoghubTarget(o.out, name, kind, o.by === 'service' ? service : undefined, o.registry)));
      }
      return t;
    };
    // Per source, the file exists even when the source logged nothing.
    if (o.by === 'source') targetOf('');
    let n = 0;
    for await (const { record, label } of readKind(o.input, kind, o.onBytes)) {
      const row = builder.build(kind, record, label);
      if (!row) continue;
      await targetOf(record.service).add(row);
      if (++n % 10_000 === 0) o.onRows?.(10_000);
    }
    o.onRows?.(n % 10_000);
    for (const key of [...targets.keys()].sort()) files.push(await targets.get(key)!.close());
  }
  return files;
}
