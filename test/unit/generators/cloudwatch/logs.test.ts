import { beforeAll, describe, expect, it } from 'vitest';
import { CW_LOG_TEMPLATES } from '../../../../src/generators/cloudwatch/log-templates.js';
import type { Generator, GenerationContext } from '../../../../src/generators/generator.js';
import type { RequestSim } from '../../../../src/simulation/requests.js';
import { MINUTE } from '../../../../src/time/calendar.js';
import { makeWorld, runWindow } from '../../../support/world.js';
import { LOGS, patternRegex, recordsOf, type Rec } from './support.js';

const START = Date.UTC(2026, 10, 24, 15, 0, 0);
const END = START + 60 * MINUTE;

/** The documented access-log entry, field by field (up to conn_trace_id). */
const ALB_LINE = new RegExp(
  [
    '^(h2|https|http|grpcs|ws|wss)',
    '(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z)', // time
    '(app/[\\w-]+/[0-9a-f]{16})', // elb
    '(\\d+\\.\\d+\\.\\d+\\.\\d+):(\\d+)', // client:port
    '(\\S+)', // target:port
    '(-1|\\d+\\.\\d{3}) (-1|\\d+\\.\\d{3}) (-1|\\d+\\.\\d{3})', // processing times
    '(\\d{3}) (\\d{3}|-)', // elb and target status
    '(\\d+) (\\d+)', // received and sent bytes
    '"(GET|POST|PUT|PATCH|DELETE) (https://[^ ]+:443/[^ ]*) (HTTP/1\\.1|HTTP/2\\.0)"',
    '"([^"]+)"', // user agent
    '(\\S+) (TLSv1\\.[23])', // cipher, protocol
    '(arn:aws:elasticloadbalancing:[a-z0-9-]+:\\d{12}:targetgroup/[\\w-]+/[0-9a-f]{16})',
    '"Root=1-([0-9a-f]{8})-([0-9a-f]{24})"',
    '"([^"]+)"', // domain
    '"(arn:aws:acm:[^"]+)"',
    '(-?\\d+)', // matched rule priority
    '(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z)', // request creation time
    '"([a-z,-]+)" "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)"',
    '(TID_[0-9a-f]{32})$',
  ].join(' '),
);

/** A generator that only keeps the window's simulated requests (shared with the others). */
function spy(into: RequestSim[]): Generator {
  return { name: 'spy', source: 'cloudwatch', generate: (ctx: GenerationContext) => void into.push(...ctx.requests()) };
}

describe('CloudWatch logs', () => {
  const orderDb = START + 5 * MINUTE;
  const certAt = START + 30 * MINUTE;
  const world = makeWorld({
    start: START,
    end: END,
    incidentsPerDay: 0,
    placed: [
      { type: 'db_pool_exhaustion', at: orderDb, target: 'order-service' },
      { type: 'certificate_expiry', at: certAt, target: 'payment-provider' },
    ],
  });
  const requests: RequestSim[] = [];
  let logs: Rec<'cloudwatch_log'>[];
  beforeAll(() => {
    const chunks = [];
    for (let t = START; t < END; t += 10 * MINUTE) chunks.push(runWindow(world, t, t + 10 * MINUTE, [spy(requests), LOGS]));
    logs = recordsOf(chunks, 'cloudwatch_log');
  });
  const group = (prefix: string) => logs.filter((r) => r.body.logGroupName!.startsWith(prefix));

  it('is deterministic', () => {
    const again = runWindow(makeWorld({ start: START, end: END, incidentsPerDay: 0, placed: world.options.placed }), START, START + 10 * MINUTE, [LOGS]);
    const first = runWindow(world, START, START + 10 * MINUTE, [LOGS]);
    const text = (c: typeof first) => c.output.kinds.map((k) => k.records.toString("utf8") + k.labels.toString("utf8")).join('');
    expect(text(first).length).toBeGreaterThan(1000);
    expect(text(again)).toBe(text(first));
  });

  it('writes every message from a known template, and the message matches it', () => {
    const regexes = new Map(CW_LOG_TEMPLATES.all().map((t) => [t.id, patternRegex(t.pattern)]));
    for (const r of group('/aws/alb').concat(group('/aws/rds'))) {
      const re = regexes.get(r.label.template_id!);
      expect(re, r.label.template_id).toBeDefined();
      expect(r.body.logEvents![0]!.message).toMatch(re!);
    }
    for (const r of logs) {
      expect(r.body.logEvents).toHaveLength(1);
      expect(r.body.logEvents![0]!.timestamp).toBe(r.timestamp);
      expect(r.timestamp).toBeGreaterThanOrEqual(START);
      expect(r.timestamp).toBeLessThan(END);
    }
  });

  it('logs ALB access entries in the documented format whose trace root is the request trace', () => {
    const alb = group('/aws/alb/');
    const byTrace = new Map(requests.map((q) => [q.traceId, q]));
    expect(alb.length).toBeGreaterThan(500);
    for (const r of alb) {
      const message = r.body.logEvents![0]!.message!;
      const m = ALB_LINE.exec(message);
      expect(m, message).not.toBeNull();
      const req = byTrace.get(r.trace_id!);
      expect(req).toBeDefined();
      expect(m![21]).toBe(Math.floor(req!.start / 1000).toString(16).padStart(8, '0'));
      expect(m![22]).toBe(req!.traceId.slice(-24));
      expect(m![10]).toBe(String(req!.root.status));
      expect(r.body.logStreamName).toMatch(/^\d{4}\/\d\d\/\d\d\/app\.[\w-]+\.[0-9a-f]{16}_\d+\.\d+\.\d+\.\d+$/);
    }
    // The configured share of edge requests.
    const edge = requests.filter((q) => !q.queue && q.root.target === world.topology.edge.name).length;
    const share = world.generation.sources.cloudwatch.alb_access_log_share;
    expect(alb.length / edge).toBeGreaterThan(share - 0.06);
    expect(alb.length / edge).toBeLessThan(share + 0.06);
  });

  it('logs checkpoints every five minutes and what the pool exhaustion makes PostgreSQL say', () => {
    const rds = group('/aws/rds/instance/');
    expect(rds.every((r) => r.body.logStreamName === world.topology.config.aws.rds.instance_id)).toBe(true);
    expect(rds.filter((r) => r.label.template_id === 'cw.rds.checkpoint_starting')).toHaveLength(12);
    const incident = world.placedIncidents[0]!;
    const trouble = rds.filter((r) => ['cw.rds.statement_timeout', 'cw.rds.too_many_connections', 'cw.rds.connection_reset'].includes(r.label.template_id!));
    expect(trouble.length).toBeGreaterThan(10);
    for (const r of trouble) {
      expect(r.label.incident_id).toBe(incident.id);
      expect(r.timestamp).toBeGreaterThanOrEqual(incident.onset);
      expect(r.timestamp).toBeLessThan(incident.end + 3 * MINUTE);
    }
    expect(rds.filter((r) => r.timestamp < incident.onset).every((r) => !r.label.anomalous)).toBe(true);
  });

  it('ships the failing payments as Container Insights application logs', () => {
    const app = group('/aws/containerinsights/');
    const errors = app.filter((r) => r.label.template_id === 'cw.app.http_error' && r.service === 'payment-service');
    expect(errors.length).toBeGreaterThan(0);
    for (const r of app) {
      expect(r.body.logGroupName).toBe(`/aws/containerinsights/${world.topology.config.cluster.name}/application`);
      const msg = JSON.parse(r.body.logEvents![0]!.message!) as { log: string; stream: string; kubernetes: Record<string, string> };
      expect(r.body.logStreamName).toBe(
        `${msg.kubernetes.host}-application.var.log.containers.${msg.kubernetes.pod_name}_${msg.kubernetes.namespace_name}_${msg.kubernetes.container_name}-${msg.kubernetes.docker_id}.log`,
      );
      expect(['payment-service', 'notification-service']).toContain(msg.kubernetes.container_name);
      expect(msg.log).toContain(r.trace_id!);
    }
    const cert = world.placedIncidents[1]!;
    expect(errors.some((r) => r.label.incident_id === cert.id && (JSON.parse(r.body.logEvents![0]!.message!) as { log: string }).log.includes('certificate has expired'))).toBe(true);
  });
});
