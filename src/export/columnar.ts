// Columnar tables written in row groups as rows stream in, so memory holds one group at a time:
// Parquet through hyparquet-writer (pure JavaScript, Snappy pages, statistics), or Arrow IPC
// files through apache-arrow. Both take the same column list.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { Bool, Field, Float64, Int64, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct, TimestampMillisecond, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { fileWriter, ParquetWriter, schemaFromColumnData, type BasicType, type ColumnSource } from 'hyparquet-writer';

export type ColumnType = 'string' | 'double' | 'int' | 'bool' | 'timestamp';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
}

/** A cell: null (or undefined) for a missing value; timestamps are epoch milliseconds. */
export type Cell = string | number | boolean | null | undefined;

export type ColumnarFormat = 'parquet' | 'arrow';

export interface TableWriter {
  readonly path: string;
  readonly columns: readonly ColumnSpec[];
  /** Appends one row (cells in column order); flushes a row group when enough are buffered. */
  append(row: readonly Cell[]): Promise<void>;
  /** Writes what is buffered and the file footer. Returns the number of rows. */
  close(): Promise<number>;
}

export const ROW_GROUP_ROWS = 64_000;
/** A row group is also cut when its text reaches this many characters (wide log rows), so memory holds one bounded group. */
export const ROW_GROUP_CHARS = 16 * 1024 * 1024;

const PARQUET_TYPE: Readonly<Record<ColumnType, BasicType>> = { string: 'STRING', double: 'DOUBLE', int: 'INT64', bool: 'BOOLEAN', timestamp: 'TIMESTAMP' };

function normalise(type: ColumnType, v: Cell): Cell | bigint {
  if (v === undefined || v === null) return null;
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : String(v);
    case 'double':
      return typeof v === 'number' ? v : Number(v);
    case 'int':
      return typeof v === 'number' && Number.isFinite(v) ? BigInt(Math.trunc(v)) : null;
    case 'bool':
      return Boolean(v);
    case 'timestamp':
      return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : null;
  }
}

abstract class BufferedTable implements TableWriter {
  protected buffers: Array<Array<Cell | bigint>>;
  protected buffered = 0;
  private chars = 0;
  private rows = 0;
  private closed = false;

  constructor(
    readonly path: string,
    readonly columns: readonly ColumnSpec[],
    private readonly groupRows: number,
  ) {
    this.buffers = columns.map(() => []);
  }

  async append(row: readonly Cell[]): Promise<void> {
    for (let i = 0; i < this.columns.length; i++) {
      const v = normalise(this.columns[i]!.type, row[i]);
      if (typeof v === 'string') this.chars += v.length;
      this.buffers[i]!.push(v);
    }
    this.buffered++;
    this.rows++;
    if (this.buffered >= this.groupRows || this.chars >= ROW_GROUP_CHARS) await this.flushGroup();
  }

  private async flushGroup(): Promise<void> {
    if (this.buffered === 0) return;
    const data = this.buffers;
    const n = this.buffered;
    this.buffers = this.columns.map(() => []);
    this.buffered = 0;
    this.chars = 0;
    await this.writeGroup(data, n);
  }

  async close(): Promise<number> {
    if (this.closed) return this.rows;
    this.closed = true;
    await this.flushGroup();
    await this.finish(this.rows);
    return this.rows;
  }

  protected abstract writeGroup(data: Array<Array<Cell | bigint>>, rows: number): Promise<void>;
  protected abstract finish(rows: number): Promise<void>;
}

class ParquetTable extends BufferedTable {
  private writer: ParquetWriter | undefined;

  constructor(path: string, columns: readonly ColumnSpec[], groupRows: number, private readonly metadata: Record<string, string>) {
    super(path, columns, groupRows);
  }

  private open(): ParquetWriter {
    if (this.writer) return this.writer;
    const schema = schemaFromColumnData({ columnData: this.columns.map((c) => ({ name: c.name, type: PARQUET_TYPE[c.type], data: [], nullable: true })) });
    const kvMetadata = Object.entries(this.metadata).map(([key, value]) => ({ key, value }));
    this.writer = new ParquetWriter({ writer: fileWriter(this.path), schema, kvMetadata, createdBy: 'obsynth export (hyparquet-writer)' });
    return this.writer;
  }

  protected async writeGroup(data: Array<Array<Cell | bigint>>, rows: number): Promise<void> {
    const columnData: ColumnSource[] = this.columns.map((c, i) => ({ name: c.name, type: PARQUET_TYPE[c.type], data: data[i] as ColumnSource['data'], nullable: true }));
    await this.open().write({ columnData, rowGroupSize: rows });
  }

  protected async finish(): Promise<void> {
    // An empty table still gets a valid file (schema, no row groups).
    await this.open().finish();
  }
}

const ARROW_TYPE: Readonly<Record<ColumnType, () => DataType>> = {
  string: () => new Utf8(),
  double: () => new Float64(),
  int: () => new Int64(),
  bool: () => new Bool(),
  timestamp: () => new TimestampMillisecond('UTC'),
};

class ArrowTable extends BufferedTable {
  private readonly out: WriteStream;
  private readonly writer: RecordBatchFileWriter;
  private readonly schema: Schema;
  private readonly done: Promise<void>;

  constructor(path: string, columns: readonly ColumnSpec[], groupRows: number, metadata: Record<string, string>) {
    super(path, columns, groupRows);
    this.schema = new Schema(
      columns.map((c) => new Field(c.name, ARROW_TYPE[c.type](), true)),
      new Map(Object.entries(metadata)),
    );
    this.out = createWriteStream(path);
    this.writer = new RecordBatchFileWriter();
    this.writer.toNodeStream().pipe(this.out);
    this.done = finished(this.out);
    this.writer.reset(undefined, this.schema);
  }

  protected async writeGroup(data: Array<Array<Cell | bigint>>, rows: number): Promise<void> {
    // One record batch per group, with exactly the file's schema.
    const children = this.schema.fields.map((f, i) => vectorFromArray(data[i]!, f.type).data[0]!);
    this.writer.write(new RecordBatch(this.schema, makeData({ type: new Struct(this.schema.fields), length: rows, nullCount: 0, children })));
    // Let the bytes reach the file before building the next group (back-pressure).
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
    else await new Promise<void>((r) => setImmediate(r));
  }

  protected async finish(): Promise<void> {
    this.writer.finish();
    await this.done;
  }
}

export function openTable(format: ColumnarFormat, path: string, columns: readonly ColumnSpec[], metadata: Record<string, string> = {}, groupRows = ROW_GROUP_ROWS): TableWriter {
  return format === 'parquet' ? new ParquetTable(path, columns, groupRows, metadata) : new ArrowTable(path, columns, groupRows, metadata);
}

export const TABLE_EXTENSION: Readonly<Record<ColumnarFormat, string>> = { parquet: 'parquet', arrow: 'arrow' };
