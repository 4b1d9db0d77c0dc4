// Worker thread of the otlp sink (see log-encoders.ts): JSON lines in, one OTLP log request out
// per message, sent over a few keep-alive exporters; the outcome goes back as plain data.
import { parentPort, workerData } from 'node:worker_threads';
import { ExportResultCode, type InstrumentationScope } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { FileRecord } from '../../model/record.js';
import { toolVersion } from '../../version.js';
import { createLogsExporter, type SignalExporter } from './exporters.js';
import { errorToWire, type LogPartReply, type LogPartRequest, type LogWorkerSetup } from './log-encoders.js';
import { LogMapper } from './logs.js';
import { ResourceCache } from './resources.js';

const setup = workerData as LogWorkerSetup;
const version = toolVersion();
const scope = (source: string): InstrumentationScope => ({ name: `obsynth/${source}`, version });
const mapper = new LogMapper(new ResourceCache(setup.resourceAttributes), { kubernetes: scope('kubernetes'), cloudwatch: scope('cloudwatch'), sentry: scope('sentry') });
const idle: Array<SignalExporter<ReadableLogRecord[]>> = Array.from({ length: Math.max(1, setup.inFlight) }, () => createLogsExporter(setup.exporter));
const queue: Array<(e: SignalExporter<ReadableLogRecord[]>) => void> = [];
let abort = new AbortController();

const reply = (r: LogPartReply) => parentPort!.postMessage(r);

async function exportPart(m: LogPartRequest): Promise<void> {
  const records: ReadableLogRecord[] = [];
  const sent: number[] = [];
  const failed: Array<[number, string]> = [];
  const text = Buffer.from(m.text.buffer, m.text.byteOffset, m.text.byteLength);
  for (let i = 0; i < m.ends.length; i++) {
    let record: FileRecord | undefined;
    try {
      record = JSON.parse(text.toString('utf8', i === 0 ? 0 : m.ends[i - 1], m.ends[i])) as FileRecord;
      const log = mapper.mapShifted(record, m.shifts[i]!, m.times[i]!);
      if (log) {
        records.push(log);
        sent.push(i);
      }
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      failed.push([i, record ? `cannot convert ${record.kind} record ${record.id}: ${why}` : `record is not valid JSON: ${why}`]);
    }
  }
  if (records.length === 0) return reply({ id: m.id, sent, failed, code: ExportResultCode.SUCCESS });
  const exporter = idle.pop() ?? (await new Promise<SignalExporter<ReadableLogRecord[]>>((resolve) => queue.push(resolve)));
  try {
    const { result, partial } = await exporter.export(records, abort.signal);
    reply({ id: m.id, sent, failed, code: result.code, error: result.error ? errorToWire(result.error) : undefined, partial });
  } catch (err) {
    reply({ id: m.id, sent, failed, code: ExportResultCode.FAILED, error: errorToWire(err) });
  } finally {
    const next = queue.shift();
    if (next) next(exporter);
    else idle.push(exporter);
  }
}

parentPort!.on('message', (m: LogPartRequest | { type: 'abort' }) => {
  if (m.type === 'abort') {
    // Every request in flight belongs to the replay being aborted.
    abort.abort(new Error('replay aborted'));
    abort = new AbortController();
    return;
  }
  void exportPart(m);
});
