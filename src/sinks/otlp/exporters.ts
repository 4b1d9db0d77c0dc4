// The OTLP/HTTP exporters: the OpenTelemetry JS exporter base and export delegate with the
// official serializers (JSON, protobuf metrics) or the same bytes written faster (protobuf
// logs, log-serializer.ts), over a transport that sends each request once (see transport.ts).
// This is what OTLPLogExporter / OTLPMetricExporter are made of, minus their built-in retrying
// transport, so every failure reaches the replay's retry loop and checkpoint.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { createOtlpNetworkExportDelegate, OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { createOtlpHttpExporterMetrics } from '@opentelemetry/otlp-exporter-base/node-http';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  LogsExporterMetricsHelper,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  type IExporterMetricsHelper,
  type IExportLogsServiceResponse,
  type IExportMetricsServiceResponse,
  type ISerializer,
} from '@opentelemetry/otlp-transformer';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { serializeLogsRequest } from './log-serializer.js';
import { OtlpHttpTransport, type PartialSuccess } from './transport.js';

export type Encoding = 'protobuf' | 'json';

export interface ExporterSettings {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly compression: 'none' | 'gzip';
  readonly encoding: Encoding;
  readonly timeoutMs: number;
}

const CONTENT_TYPE: Record<Encoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** One signal's exporter and its transport (for the partial success and the abort signal). */
export class SignalExporter<T> {
  constructor(
    private readonly exporter: OTLPExporterBase<T>,
    readonly transport: OtlpHttpTransport,
    readonly url: string,
  ) {}

  /** Exports once; resolves with the exporter's result and what partial_success said. */
  export(items: T, signal?: AbortSignal): Promise<{ result: ExportResult; partial?: PartialSuccess }> {
    this.transport.signal = signal;
    return new Promise((resolve) => {
      try {
        this.exporter.export(items, (result) => {
          const partial = this.transport.lastPartialSuccess;
          this.transport.signal = undefined;
          resolve({ result, partial });
        });
      } catch (err) {
        // The serializer threw (data it cannot encode): a failure, not a crash of the replay.
        this.transport.signal = undefined;
        resolve({ result: { code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) } });
      }
    });
  }

  async shutdown(): Promise<void> {
    await this.exporter.shutdown();
  }
}

/** A transport alone (the healthcheck's), or one for an exporter that reads partial successes. */
export function createTransport(settings: ExporterSettings, partialSuccess?: (body: Uint8Array) => PartialSuccess | undefined): OtlpHttpTransport {
  return new OtlpHttpTransport({ url: settings.url, headers: settings.headers, contentType: CONTENT_TYPE[settings.encoding], compression: settings.compression, partialSuccess });
}

function build<T, R>(settings: ExporterSettings, serializer: ISerializer<T, R>, helper: IExporterMetricsHelper<T>, componentType: string, partial: (r: R) => PartialSuccess | undefined): SignalExporter<T> {
  const transport = createTransport(settings, (body) => partial(serializer.deserializeResponse(body)));
  const delegate = createOtlpNetworkExportDelegate(
    // One export in flight per signal: the sink awaits each before the next.
    { timeoutMillis: settings.timeoutMs, concurrencyLimit: 2, compression: settings.compression },
    serializer,
    createOtlpHttpExporterMetrics(componentType, helper, settings.url, undefined),
    transport,
  );
  return new SignalExporter(new OTLPExporterBase<T>(delegate), transport, settings.url);
}

const asNumber = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : typeof v === 'object' && v !== null && 'low' in v ? Number((v as { low: number }).low) : 0);

/** Protobuf log requests come from log-serializer.ts (the official bytes, written faster). */
const protobufLogs: ISerializer<ReadableLogRecord[], IExportLogsServiceResponse> = {
  serializeRequest: serializeLogsRequest,
  deserializeResponse: (body) => ProtobufLogsSerializer.deserializeResponse(body),
};

export function createLogsExporter(settings: ExporterSettings): SignalExporter<ReadableLogRecord[]> {
  const serializer = settings.encoding === 'json' ? JsonLogsSerializer : protobufLogs;
  return build<ReadableLogRecord[], IExportLogsServiceResponse>(settings, serializer, LogsExporterMetricsHelper, 'otlp_http_log_exporter', (r) => {
    const rejected = asNumber(r.partialSuccess?.rejectedLogRecords);
    return rejected > 0 ? { rejected, message: r.partialSuccess?.errorMessage ?? '' } : undefined;
  });
}

/**
 * The official metrics serializers take one ResourceMetrics per request. A batch holds many
 * resources, so each is serialized on its own and the requests are joined into one: protobuf
 * messages concatenate (a repeated field appends), and the JSON arrays are spliced.
 */
function manyResources(encoding: Encoding): ISerializer<ResourceMetrics[], IExportMetricsServiceResponse> {
  if (encoding === 'protobuf') {
    return {
      serializeRequest: (all) => {
        const parts = all.map((rm) => ProtobufMetricsSerializer.serializeRequest(rm)).filter((p): p is Uint8Array => p !== undefined);
        return Buffer.concat(parts);
      },
      deserializeResponse: (body) => ProtobufMetricsSerializer.deserializeResponse(body),
    };
  }
  const prefix = '{"resourceMetrics":[';
  return {
    serializeRequest: (all) => {
      const inner: string[] = [];
      for (const rm of all) {
        const one = JsonMetricsSerializer.serializeRequest(rm);
        if (!one) continue;
        const text = Buffer.from(one).toString('utf8');
        if (!text.startsWith(prefix) || !text.endsWith(']}')) throw new Error(`unexpected JSON metrics request shape: ${text.slice(0, 40)}`);
        const body = text.slice(prefix.length, -2);
        if (body) inner.push(body);
      }
      return Buffer.from(`${prefix}${inner.join(',')}]}`);
    },
    deserializeResponse: (body) => JsonMetricsSerializer.deserializeResponse(body),
  };
}

const dataPointCount: IExporterMetricsHelper<ResourceMetrics[]> = {
  name: 'metric_data_point',
  countItems: (all) => {
    let n = 0;
    for (const rm of all) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += m.dataPoints.length;
    return n;
  },
};

export function createMetricsExporter(settings: ExporterSettings): SignalExporter<ResourceMetrics[]> {
  return build<ResourceMetrics[], IExportMetricsServiceResponse>(settings, manyResources(settings.encoding), dataPointCount, 'otlp_http_metric_exporter', (r) => {
    const rejected = asNumber(r.partialSuccess?.rejectedDataPoints);
    return rejected > 0 ? { rejected, message: r.partialSuccess?.errorMessage ?? '' } : undefined;
  });
}

