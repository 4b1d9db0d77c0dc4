import { describe, expect, it } from 'vitest';
import { parseLevel } from '../../../../src/sinks/loki/level.js';

describe('parseLevel', () => {
  it.each([
    // JSON: slog / python-json-logger, logstash (Spring), pino numbers
    ['{"time":"2026-11-24T14:00:00.221Z","level":"INFO","logger":"db","msg":"ok"}', 'info'],
    ['{"@timestamp":"2026-11-24T14:00:00.221Z","@version":"1","message":"x","logger_name":"a","thread_name":"main","level":"WARN","level_value":30000}', 'warn'],
    ['{"level":50,"time":1795528800221,"pid":1,"hostname":"p","name":"app","msg":"boom"}', 'error'],
    ['{"level":30,"time":1795528800221,"msg":"hi"}', 'info'],
    ['{"level":60,"msg":"dead"}', 'fatal'],
    ['{"severity":"ERROR","message":"x"}', 'error'],
    // logfmt (Go slog text handler)
    ['time=2026-11-24T14:00:00.221Z level=INFO msg="\\"POST /api/events HTTP/1.1\\" 201" logger=access', 'info'],
    ['time=2026-11-24T14:00:00.221Z level=warn msg=slow', 'warn'],
    ['ts=2026-11-24T14:00:00Z lvl=error msg="x"', 'error'],
    // klog
    ['I1124 14:00:00.221000       1 main.go:1] "Starting"', 'info'],
    ['W1124 14:00:00.221000       1 reflector.go:561] "watch closed"', 'warn'],
    ['E1124 14:00:00.221000       1 controller.go:12] "sync failed" err="timeout"', 'error'],
    ['F1124 14:00:00.221000       1 main.go:9] "cannot start"', 'fatal'],
    // Python logging, Spring console, plain Go
    ['2026-11-24 14:00:00,213 INFO [analyticss.views] [trace_id=a7 span_id=f3] POST /events started', 'info'],
    ['2026-11-24 14:00:00,217 WARNING [uvicorn] 10.0.31.203:35809 - "POST /events HTTP/1.1" 404 Not Found', 'warn'],
    ['2026-11-24 14:00:00,217 CRITICAL [worker] out of memory', 'critical'],
    ['2026-11-24T14:00:00.123Z  WARN 1 --- [nio-8080-exec-1] c.s.orders.OrderController               : slow', 'warn'],
    ['2026-11-24T14:00:00.123Z ERROR 1 --- [           main] o.s.boot.SpringApplication               : failed', 'error'],
    ['2026-11-24T14:00:00.000Z ERROR payments: charge failed trace_id=abc', 'error'],
    // PostgreSQL (RDS)
    ['2026-11-24 14:00:00 UTC::@:[392]:LOG:  checkpoint starting: time', 'info'],
    ['2026-11-24 14:00:01 UTC:10.0.1.5(5432):app@shop:[77]:ERROR:  canceling statement due to statement timeout', 'error'],
    ['2026-11-24 14:00:01 UTC:10.0.1.5(5432):app@shop:[77]:FATAL:  too many connections', 'fatal'],
  ])('%s -> %s', (line, level) => {
    expect(parseLevel(line)).toBe(level);
  });

  it('reads the level of a container line wrapped by Fluent Bit (CloudWatch Container Insights)', () => {
    const inner = JSON.stringify({ level: 'ERROR', msg: 'x' });
    expect(parseLevel(JSON.stringify({ time: '2026-11-24T14:00:00Z', stream: 'stdout', _p: 'F', log: inner, kubernetes: { pod_name: 'p' } }))).toBe('error');
    const plain = JSON.stringify({ time: '2026-11-24T14:00:00Z', stream: 'stderr', _p: 'F', log: '2026-11-24 14:00:00,217 WARNING [uvicorn] slow', kubernetes: { pod_name: 'p' } });
    expect(parseLevel(plain)).toBe('warn');
  });

  it('gives no level when the line states none (never a guess from message words)', () => {
    expect(parseLevel('h2 2026-11-24T14:00:00.685142Z app/shop-prod-alb/d440 68.235.167.210:21200 10.0.14.128:8080 0.001 0.068 0.000 500 500 503 10910 "GET https://shop.example.com:443/api/products?page=1 HTTP/2.0"')).toBeUndefined();
    expect(parseLevel('Traceback (most recent call last):')).toBeUndefined();
    expect(parseLevel('\tat com.shop.orders.OrderService.create(OrderService.java:42)')).toBeUndefined();
    expect(parseLevel('an error happened somewhere in the message text')).toBeUndefined();
    expect(parseLevel('{"msg":"no level here"}')).toBeUndefined();
  });
});
