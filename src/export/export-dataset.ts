// `obsynth export` as a library function: reads a dataset folder and writes what ML pipelines
// eat into another, through `<out>.partial` renamed into place only when everything was
// written. Nothing here prints or exits; the CLI does that.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../config/errors.js';
import type { LoadedConfig } from '../config/load.js';
import { KIND_FILE, KIND_SOURCE, RECORD_KINDS, type RecordKind, type Source } from '../model/record.js';
import type { Clock } from '../time/clock.js';
import { toolVersion } from '../version.js';
import { openTable, TABLE_EXTENSION, type Cell, type ColumnarFormat } from './columnar.js';
import { CsvWriter } from './csv.js';
import { kindBytes, openDataset, readKind, type DatasetInput } from './dataset-input.js';
import { EntityResolver } from './entities.js';
import { LOG_KINDS, LogRowBuilder, type LogKind } from './log-rows.js';
import { exportLoghub, type LoghubFile } from './loghub.js';
import { kindTables } from './tables.js';
import { buildTemplateRegistry } from './template-registry.js';
import { exportWindows, WINDOW_COLUMNS, type WindowSummary } from './windows.js';
import { replaceFolder } from '../fs/replace-folder.js';

export type ExportFormat = 'loghub' | ColumnarFormat;
export const EXPORT_FORMATS: readonly ExportFormat[] = ['loghub', 'parquet', 'arrow'];

export interface ExportOptions {
  /** The dataset folder. */
  readonly dir: string;
  readonly out: string;
  readonly format: ExportFormat;
  readonly by: 'source' | 'service';
  /** Windowed samples of this length (ms), or none. */
  readonly windowMs?: number;
  /** Sources to export (default: every one the dataset has). */
  readonly sources?: readonly Source[];
  readonly force: boolean;
  readonly config: LoadedConfig;
  readonly clock: Clock;
  readonly onProgress?: (bytesDone: number, bytesTotal: number, rows: number) => void;
}

export interface ExportedFile {
  readonly path: string;
  readonly kind?: RecordKind;
  readonly service?: string;
  readonly rows: number;
  readonly templates?: number;
  readonly anomalous?: number;
  readonly unmatched?: number;
}

export interface ExportSummary {
  readonly dir: string;
  readonly out: string;
  readonly format: ExportFormat;
  readonly by: 'source' | 'service';
  readonly files: readonly ExportedFile[];
  /** Templates the registry knows (per-service request templates included). */
  readonly templates: number;
  readonly windows: (WindowSummary & { readonly path: string; readonly windowMs: number }) | null;
  readonly warnings: readonly string[];
  readonly seconds: number;
}

export const EXPORT_SUMMARY = 'export.json';

/** "60s", "300s", "1500ms" for a window length. */
export function windowName(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

class OutputFolder {
  readonly target: string;
  readonly temp: string;
  private done = false;

  constructor(out: string, dataset: string, force: boolean) {
    this.target = resolve(out);
    this.temp = `${this.target}.partial`;
    const ds = resolve(dataset);
    const inside = (a: string, b: string) => a === b || a.startsWith(b + sep);
    if (inside(this.target, ds) || inside(ds, this.target)) throw new UsageError(`--out ${out} overlaps the dataset folder ${dataset}; choose a folder outside it`);
    if (existsSync(this.target) && !statSync(this.target).isDirectory()) throw new UsageError(`--out ${out} is a file, not a folder; choose a folder to export to`);
    if (existsSync(this.target) && readdirSync(this.target).length > 0 && !force) throw new UsageError(`output folder ${out} is not empty; pass --force to replace it, or choose another --out`);
    rmSync(this.temp, { recursive: true, force: true });
    mkdirSync(this.temp, { recursive: true });
  }

  path(rel: string): string {
    const full = join(this.temp, rel);
    mkdirSync(dirname(full), { recursive: true });
    return full;
  }

  commit(): void {
    replaceFolder(this.temp, this.target);
    this.done = true;
  }

  abort(): void {
    if (!this.done) rmSync(this.temp, { recursive: true, force: true });
  }
}

export async function exportDataset(o: ExportOptions): Promise<ExportSummary> {
  const started = o.clock.monotonic();
  const input = openDataset(resolve(o.dir));
  const warnings: string[] = [];
  if (input.manifest && input.manifest.config_hash !== o.config.hash) {
    warnings.push(`the dataset was generated with another configuration (config hash ${input.manifest.config_hash.slice(0, 12)}..., this one ${o.config.hash.slice(0, 12)}...): request templates and service names come from ${dirname(o.config.paths.services)}; pass the dataset's folder with --config`);
  }
  const sources = o.sources ?? input.manifest?.options.sources ?? (['kubernetes', 'sentry', 'cloudwatch', 'grafana'] as const);
  const kinds = RECORD_KINDS.filter((k) => sources.includes(KIND_SOURCE[k]) && input.pairs.has(k));
  const logKinds = LOG_KINDS.filter((k): k is LogKind => kinds.includes(k));
  if (o.windowMs !== undefined && !input.range) throw new UsageError(`${o.dir} has no range (no manifest.json or incidents.json): windows need one`);

  const registry = buildTemplateRegistry(o.config.services);
  const entities = new EntityResolver(o.config.services);
  const out = new OutputFolder(o.out, o.dir, o.force);

  const windowKinds: RecordKind[] = o.windowMs !== undefined ? kinds.filter((k) => k !== 'kubernetes_node_metrics') : [];
  const total = kindBytes(input, o.format === 'loghub' ? logKinds : kinds) + kindBytes(input, windowKinds);
  let done = 0;
  let rowsDone = 0;
  const onBytes = (n: number) => {
    done += n;
    o.onProgress?.(done, total, rowsDone);
  };
  const onRows = (n: number) => {
    rowsDone += n;
  };

  try {
    const files: ExportedFile[] = [];
    if (o.format === 'loghub') {
      const written = await exportLoghub({ input, registry, out: out.temp, by: o.by, kinds: logKinds, onBytes, onRows });
      files.push(...written.flatMap((f: LoghubFile) => [{ path: f.path, kind: f.kind, ...(f.service ? { service: f.service } : {}), rows: f.rows, templates: f.templates, anomalous: f.anomalous, unmatched: f.unmatched }]));
      const unmatched = written.reduce((a, f) => a + f.unmatched, 0);
      if (unmatched > 0) warnings.push(`${unmatched} line(s) whose Content does not match their EventTemplate (see "unmatched" per file)`);
      const all = new CsvWriter(out.path('templates.csv'), ['EventId', 'EventTemplate', 'Pattern', 'Family']);
      for (const t of registry.all()) await all.write([t.id, t.eventTemplate, t.pattern, t.family]);
      await all.close();
    } else {
      const tables = kindTables(entities, new LogRowBuilder(registry));
      for (const kind of kinds) {
        const spec = tables.get(kind)!;
        const rel = `${KIND_SOURCE[kind]}/${KIND_FILE[kind]}.${TABLE_EXTENSION[o.format]}`;
        const table = openTable(o.format, out.path(rel), spec.columns, { 'obsynth.kind': kind, 'obsynth.dataset_seed': String(input.manifest?.seed ?? ''), 'obsynth.version': toolVersion() });
        let n = 0;
        for await (const { record, label } of readKind(input, kind, onBytes)) {
          for (const row of spec.rows(record, label)) await table.append(row);
          if (++n % 10_000 === 0) onRows(10_000);
        }
        onRows(n % 10_000);
        files.push({ path: rel, kind, rows: await table.close() });
      }
    }

    let windows: ExportSummary['windows'] = null;
    if (o.windowMs !== undefined && input.range) {
      const rel = `windows_${windowName(o.windowMs)}.${o.format === 'loghub' ? 'csv' : TABLE_EXTENSION[o.format]}`;
      const realism = o.config.generation.realism;
      const toleranceMs = realism.late_arrivals.max_delay_secs * 1000 + realism.clock_skew.max_ms + 60_000;
      const datastores = new Set(o.config.services.datastores.map((d) => d.name));
      let summary: WindowSummary;
      if (o.format === 'loghub') {
        const csv = new CsvWriter(out.path(rel), WINDOW_COLUMNS.map((c) => c.name));
        const isTime = WINDOW_COLUMNS.map((c) => c.type === 'timestamp');
        // CSV: times as ISO 8601, fractions to 8 significant digits.
        const cell = (v: Cell, i: number) => (typeof v !== 'number' ? v : isTime[i] ? new Date(v).toISOString() : Number.isInteger(v) ? v : Number(v.toPrecision(8)));
        summary = await exportWindows({ input, entities, datastores, windowMs: o.windowMs, toleranceMs, range: input.range, kinds: windowKinds, onBytes, write: (row) => csv.write(row.map(cell)) });
        await csv.close();
      } else {
        const table = openTable(o.format, out.path(rel), WINDOW_COLUMNS, { 'obsynth.window_ms': String(o.windowMs) });
        summary = await exportWindows({ input, entities, datastores, windowMs: o.windowMs, toleranceMs, range: input.range, kinds: windowKinds, onBytes, write: (row) => table.append(row) });
        await table.close();
      }
      if (summary.tooLate > 0) warnings.push(`${summary.tooLate} record(s) arrived after their window was written (later than ${toleranceMs} ms) and were left out of the windows`);
      windows = { ...summary, path: rel, windowMs: o.windowMs };
      files.push({ path: rel, rows: summary.rows });
    }

    const summary: ExportSummary = {
      dir: resolve(o.dir),
      out: out.target,
      format: o.format,
      by: o.by,
      files,
      templates: registry.size,
      windows,
      warnings,
      seconds: (o.clock.monotonic() - started) / 1000,
    };
    writeFileSync(out.path(EXPORT_SUMMARY), `${JSON.stringify(exportDocument(summary, input, o), null, 2)}\n`);
    out.commit();
    o.onProgress?.(total, total, rowsDone);
    return summary;
  } catch (err) {
    out.abort();
    throw err;
  }
}

/** export.json: what was exported from which dataset, with which options (no timings, so reruns are byte-identical). */
function exportDocument(s: ExportSummary, input: DatasetInput, o: ExportOptions): object {
  return {
    tool: { name: 'obsynth', version: toolVersion() },
    dataset: {
      dir: relative(s.out, s.dir) || '.',
      ...(input.manifest ? { seed: input.manifest.seed, range: input.manifest.range, config_hash: input.manifest.config_hash } : {}),
    },
    options: { format: s.format, by: s.by, window_ms: o.windowMs ?? null, sources: o.sources ?? null },
    config_hash: o.config.hash,
    templates: s.templates,
    files: s.files,
    windows: s.windows && { path: s.windows.path, window_ms: s.windows.windowMs, windows: s.windows.windows, rows: s.windows.rows, labelled: s.windows.labelled, unattributed: s.windows.unattributed, too_late: s.windows.tooLate },
    warnings: s.warnings,
  };
}
