import { SeverityNumber } from '@opentelemetry/api-logs';
import { describe, expect, it } from 'vitest';
import { parseSeverity } from '../../../../src/sinks/otlp/severity.js';
import { MINUTE } from '../../../../src/time/calendar.js';
import type { KubernetesLogBody } from '../../../../src/model/record.js';
import { makeWorld, runWindow } from '../../../support/world.js';

const { TRACE, DEBUG, INFO, INFO2, WARN, ERROR, FATAL, UNSPECIFIED } = SeverityNumber;

describe('parseSeverity', () => {
  it.each([
    // pino (Node): numeric levels
    ['{"level":30,"time":1795528817807,"pid":1,"msg":"Sent payment receipt"}', INFO, 'info'],
    ['{"level":50,"time":1795528817807,"msg":"boom","err":{"type":"Error"}}', ERROR, 'error'],
    ['{"level":10,"msg":"x"}', TRACE, 'trace'],
    ['{"level":60,"msg":"x"}', FATAL, 'fatal'],
    // logstash JSON (Spring Boot): the level comes after the message
    ['{"@timestamp":"2026-11-24T14:00:12.441Z","message":"Received GET /orders/914312","level":"WARN","level_value":30000}', WARN, 'WARN'],
    // a level-looking key inside an escaped message does not count
    ['{"message":"payload {\\"level\\":\\"ERROR\\"} ignored","level":"INFO"}', INFO, 'INFO'],
    // slog JSON / python-json-logger
    ['{"time":"2026-11-24T14:00:12.441Z","level":"DEBUG","logger":"cache","msg":"miss"}', DEBUG, 'DEBUG'],
    ['{"levelname":"WARNING","message":"slow"}', WARN, 'WARNING'],
    // logfmt (Go slog)
    ['time=2026-11-24T14:00:03.192Z level=INFO msg="GET /api/products" logger=access', INFO, 'INFO'],
    ['time=2026-11-24T14:00:03.192Z level=ERROR msg="upstream timed out"', ERROR, 'ERROR'],
    ['ts=1 lvl=warn msg=x', WARN, 'warn'],
    // klog header letters
    ['I1124 14:00:03.000000       1 job.go:57] "Job started"', INFO, 'INFO'],
    ['W1124 14:00:03.000000       1 cache.go:12] "stale"', WARN, 'WARNING'],
    ['E1124 14:10:22.059331       1 service.go:385] "dial tcp 10.0.2.113:5432: i/o timeout"', ERROR, 'ERROR'],
    ['F1124 14:10:22.059331       1 main.go:1] "fatal"', FATAL, 'FATAL'],
    // Python logging
    ['2026-11-24 14:00:03,001 INFO [users.views] [trace_id=39a7 span_id=97b3] Processing POST /sessions', INFO, 'INFO'],
    ['2026-11-24 14:00:03,001 WARNING [users.views] slow query', WARN, 'WARNING'],
    ['2026-11-24 14:00:03,001 CRITICAL [users.views] out of memory', FATAL, 'CRITICAL'],
    // Spring Boot console pattern (level right-aligned)
    ['2026-11-24 14:00:03.001  INFO 1 --- [           main] c.s.o.OrderController : Received', INFO, 'INFO'],
    ['2026-11-24 14:00:03.001 ERROR 1 --- [nio-8080-exec-1] c.s.o.OrderService : failed', ERROR, 'ERROR'],
    // Go text with an ISO timestamp
    ['2026-11-24T14:00:03.192Z WARN cache: eviction storm', WARN, 'WARN'],
    // JVM unified logging, CoreDNS, RabbitMQ
    ['[2026-11-24T14:04:39.843+0000][info][gc] GC(40) Pause Young (Normal) 757M->339M(1536M) 15.159ms', INFO, 'info'],
    ['[ERROR] plugin/errors: 2 notification-service.shop.svc.cluster.local. A: read udp: i/o timeout', ERROR, 'ERROR'],
    ['2026-11-24 14:00:03.123456+00:00 [warning] <0.712.0> memory high watermark', WARN, 'warning'],
    // PostgreSQL (RDS log_line_prefix)
    ['2026-11-24 14:00:00 UTC:10.0.20.52(53170):payment_service@shop:[33482]:LOG:  disconnection: session time: 0:04:24.064', INFO, 'LOG'],
    ['2026-11-24 14:00:00 UTC:10.0.20.52(53170):payment_service@shop:[33482]:ERROR:  deadlock detected', ERROR, 'ERROR'],
    ['2026-11-24 14:00:00 UTC:10.0.20.52(53170):payment_service@shop:[33482]:FATAL:  too many connections', FATAL, 'FATAL'],
    // Redis
    ['1:M 24 Nov 2026 14:00:00.000 * Ready to accept connections tcp', INFO2, 'notice'],
    ['1:M 24 Nov 2026 14:00:00.000 # WARNING overcommit_memory is set to 0', WARN, 'warning'],
  ])('%s', (line, number, text) => {
    expect(parseSeverity(line)).toEqual({ number, text });
  });

  it.each([
    'Traceback (most recent call last):',
    '  File "/app/users/views.py", line 241, in get_user',
    '\tat com.shop.order.service.OrderService.place(OrderService.java:88)',
    'django.core.exceptions.ImproperlyConfigured: Set the POSTGRES_DATABASE_URL environment variable',
    '.:53',
    'h2 2026-11-24T14:00:03.192947Z app/shop-prod-alb/0c43660640c5f6a8 24.24.109.180:34395 10.0.21.145:8080 0.000 0.191 0.000 201',
    '{"msg":"no level here"}',
    '',
  ])('leaves a line without a level UNSPECIFIED: %s', (line) => {
    expect(parseSeverity(line).number).toBe(UNSPECIFIED);
  });

  it('PostgreSQL DETAIL/STATEMENT lines keep their tag but no level of their own', () => {
    expect(parseSeverity('2026-11-24 14:28:18 UTC:10.0.34.175(35511):payment_service@shop:[38431]:STATEMENT:  UPDATE orders SET status = $1')).toEqual({ number: UNSPECIFIED, text: 'STATEMENT' });
  });

  it('finds a level on every generated container log line except stack-trace continuations', () => {
    const start = Date.UTC(2026, 10, 24, 14, 0, 0);
    const world = makeWorld({ start, end: start + 10 * MINUTE, sources: ['kubernetes'] });
    const { records, labels } = runWindow(world, start, start + 10 * MINUTE);
    const logs = records.get('kubernetes_log') ?? [];
    const truth = labels.get('kubernetes_log') ?? [];
    expect(logs.length).toBeGreaterThan(1000);
    const missed: string[] = [];
    logs.forEach((r, i) => {
      const line = (r.body as KubernetesLogBody).log;
      if (truth[i]?.template_id === 'stacktrace' || line === '.:53') return;
      if (parseSeverity(line).number === UNSPECIFIED) missed.push(line);
    });
    expect(missed.slice(0, 10)).toEqual([]);
  });
});
