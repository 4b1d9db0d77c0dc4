// Writes a dataset folder: records and labels per kind (optionally one file per UTC day), then
// incidents.json and manifest.json with a sha256 per file. Everything goes into a temporary
// folder that is renamed into place only when the run succeeds, so an interrupted run never
// leaves something that looks like a complete dataset.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { OutputFormat } from '../../engine/compress.js';
import { emptyFile } from '../../engine/compress.js';
import type { EncodedChunk } from '../../engine/encoded-chunk.js';
import type { RecordKind } from '../../model/record.js';
import { utcDate } from '../../time/calendar.js';
import { labelsPath, MANIFEST, PARTIAL_MARKER, recordsPath } from './dataset-layout.js';
import { UsageError } from '../../config/errors.js';
import { replaceFolder } from '../../fs/replace-folder.js';

export interface FileEntry {
  path: string;
  kind: RecordKind;
  role: 'records' | 'labels';
  day?: string;
  records: number;
  bytes: number;
  uncompressed_bytes: number;
  sha256: string;
}

export interface DocumentEntry {
  path: string;
  bytes: number;
  sha256: string;
}

interface OpenFile {
  fd: number;
  hash: Hash;
  entry: FileEntry;
}

export class DatasetWriter {
  readonly target: string;
  readonly temp: string;
  private readonly open = new Map<string, OpenFile>();
  private readonly finished: FileEntry[] = [];
  private currentDay: string | undefined;
  private closed = false;

  constructor(
    out: string,
    private readonly format: OutputFormat,
    private readonly splitByDay: boolean,
    private readonly kinds: readonly RecordKind[],
    force: boolean,
  ) {
    this.target = resolve(out);
    this.temp = `${this.target}.partial`;
    if (existsSync(this.target) && readdirSync(this.target).length > 0 && !force) {
      throw new UsageError(`output folder ${out} is not empty; pass --force to replace it, or choose another --out`);
    }
    // A leftover from an interrupted run is ours to remove (it carries our marker).
    if (existsSync(this.temp)) {
      if (!existsSync(join(this.temp, PARTIAL_MARKER))) throw new UsageError(`${this.temp} exists and was not made by obsynth; remove it or choose another --out`);
      rmSync(this.temp, { recursive: true, force: true });
    }
    mkdirSync(this.temp, { recursive: true });
    writeFileSync(join(this.temp, PARTIAL_MARKER), 'an obsynth run is writing (or was interrupted while writing) this folder\n');
  }

  /** Appends one chunk's compressed members to their files. */
  append(chunk: EncodedChunk): void {
    const day = this.splitByDay ? utcDate(chunk.window.start) : undefined;
    if (day !== this.currentDay) {
      this.closeAll();
      this.currentDay = day;
    }
    for (const k of chunk.kinds) {
      this.write(recordsPath(k.kind, this.format, day), k.kind, 'records', day, k.records, k.count, k.rawBytes);
      this.write(labelsPath(k.kind, this.format, day), k.kind, 'labels', day, k.labels, k.count, 0);
    }
  }

  private write(path: string, kind: RecordKind, role: 'records' | 'labels', day: string | undefined, data: Uint8Array, count: number, rawBytes: number): void {
    let f = this.open.get(path);
    if (!f) {
      const full = join(this.temp, path);
      mkdirSync(dirname(full), { recursive: true });
      f = { fd: openSync(full, 'w'), hash: createHash('sha256'), entry: { path, kind, role, day, records: 0, bytes: 0, uncompressed_bytes: 0, sha256: '' } };
      this.open.set(path, f);
    }
    if (data.byteLength > 0) {
      writeSync(f.fd, data);
      f.hash.update(data);
    }
    f.entry.records += count;
    f.entry.bytes += data.byteLength;
    f.entry.uncompressed_bytes += rawBytes;
  }

  private closeAll(): void {
    for (const f of this.open.values()) {
      closeSync(f.fd);
      f.entry.sha256 = f.hash.digest('hex');
      this.finished.push(f.entry);
    }
    this.open.clear();
  }

  /** Writes the JSON documents, then the manifest, then moves the folder into place. */
  finish(documents: Record<string, unknown>, manifest: (files: FileEntry[], documents: DocumentEntry[]) => unknown): FileEntry[] {
    // Every kind gets its file even when nothing of that kind happened (a valid, empty file).
    const seenDays = new Set(this.finished.map((f) => f.day));
    seenDays.add(this.currentDay);
    for (const kind of this.kinds) {
      for (const day of seenDays) {
        const p = recordsPath(kind, this.format, day);
        if (this.open.has(p) || this.finished.some((f) => f.path === p)) continue;
        this.write(p, kind, 'records', day, emptyFile(this.format), 0, 0);
        this.write(labelsPath(kind, this.format, day), kind, 'labels', day, emptyFile(this.format), 0, 0);
      }
    }
    this.closeAll();
    const files = [...this.finished].sort((a, b) => a.path.localeCompare(b.path));
    const docs: DocumentEntry[] = [];
    for (const [name, doc] of Object.entries(documents)) {
      const full = join(this.temp, name);
      mkdirSync(dirname(full), { recursive: true });
      const text = `${JSON.stringify(doc, null, 2)}\n`;
      writeFileSync(full, text);
      docs.push({ path: name, bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') });
    }
    writeFileSync(join(this.temp, MANIFEST), `${JSON.stringify(manifest(files, docs), null, 2)}\n`);
    rmSync(join(this.temp, PARTIAL_MARKER));
    replaceFolder(this.temp, this.target);
    this.closed = true;
    return files;
  }

  /** Gives up: closes files and removes the temporary folder. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    for (const f of this.open.values()) {
      try {
        closeSync(f.fd);
      } catch {
        // already closed
      }
    }
    this.open.clear();
    rmSync(this.temp, { recursive: true, force: true });
  }
}
