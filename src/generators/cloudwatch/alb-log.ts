// ALB access-log entries for a share of the window's edge requests, in the documented
// access-log format, shipped to a CloudWatch log group (one stream per day and load balancer
// node). The X-Amzn-Trace-Id root is built from the request's trace id, so the entry joins the
// gateway's logs and the Sentry transaction of the same request.
import { hashInts, hashString, hashUnit, hex32 } from '../../random/rng.js';
import { DAY, utcDate } from '../../time/calendar.js';
import { truthOf, type GenerationContext } from '../generator.js';
import { fillPath } from '../code/failure-vars.js';
import { ALB_ACCESS } from './log-templates.js';
import { awsResources, type AwsResources } from './resources.js';

/** The X-Ray root of a trace: 1-<8 hex epoch seconds>-<24 hex> (the trace id's last 24 digits). */
export function xrayRoot(traceId: string, startMs: number): string {
  return `Root=1-${Math.floor(startMs / 1000).toString(16).padStart(8, '0')}-${traceId.slice(-24)}`;
}

/**
 * RFC 3339 with microseconds, caching the minute's prefix: traced requests are about a second
 * apart, and an entry has two times (response, request creation), so each gets its own cache.
 */
class Micros {
  private minute = Number.NaN;
  private prefix = '';

  format(ms: number): string {
    const m = Math.floor(ms / 60_000);
    if (m !== this.minute) {
      this.minute = m;
      this.prefix = new Date(m * 60_000).toISOString().slice(0, 17);
    }
    const us = Math.floor((ms - m * 60_000) * 1000);
    const sec = Math.floor(us / 1_000_000);
    const frac = us - sec * 1_000_000;
    return `${this.prefix}${sec < 10 ? '0' : ''}${sec}.${String(frac).padStart(6, '0')}Z`;
  }
}

/** Stream names per (UTC day, load balancer node), built once each. */
class Streams {
  private day = -1;
  private names: string[] = [];

  constructor(private readonly res: AwsResources) {}

  of(t: number, node: number): string {
    const day = Math.floor(t / DAY);
    if (day !== this.day) {
      this.day = day;
      const date = utcDate(t).replaceAll('-', '/');
      this.names = this.res.albNodes.map((n) => `${date}/app.${this.res.albName}.${this.res.albId.split('/')[2]}_${n.ip}`);
    }
    return this.names[node]!;
  }
}

export function writeAlbLogs(ctx: GenerationContext): void {
  const { world } = ctx;
  const res = awsResources(world);
  const cw = world.generation.sources.cloudwatch;
  const share = Math.min(1, cw.alb_access_log_share * cw.volume);
  if (share <= 0) return;
  const edge = world.topology.edge;
  const port = edge.config.port;
  const group = `/aws/alb/${res.albName}`;
  const streams = new Streams(res);
  const responseTime = new Micros();
  const creationTime = new Micros();
  for (const req of ctx.requests()) {
    if (req.queue || req.root.target !== edge.name) continue;
    const h = hashString(req.traceId);
    // Which requests are logged is a function of the request alone, not of the window.
    if (hashUnit(h, 1) >= share) continue;
    const root = req.root;
    // An expired listener certificate: the handshake failed, there was never a request to log.
    const cause = root.cause;
    if (root.failure === 'cert_expired' && cause?.incident.rootCause === edge.name && cause.target.hops === 0) continue;
    const node = h % res.albNodes.length;
    const reqMs = 0.2 + hashUnit(h, 2) * 1.4;
    const respMs = hashUnit(h, 3) * 0.4;
    const end = root.start + reqMs + root.durationMs + respMs;
    const pod = root.pod;
    const status = root.status;
    const h2 = hashUnit(h, 4) < 0.72;
    const tls13 = hashUnit(h, 5) < 0.64;
    const method = root.endpoint?.method ?? 'GET';
    let path = root.endpoint ? fillPath(root.endpoint.path, req.entityId) : '/';
    // Collections are paged.
    if (method === 'GET' && /\/[a-z]+s$/.test(path)) path += `?page=${1 + (Number(req.entityId) % 6)}`;
    const received = (method === 'GET' ? 380 : 820) + (h >>> 20) % 600;
    const target = pod ? `${pod.ip}:${port}` : '-';
    const message = ALB_ACCESS.fill([
      h2 ? 'h2' : 'https',
      responseTime.format(end),
      res.albId,
      `${req.clientIp}:${1024 + ((h >>> 4) % 64000)}`,
      target,
      pod ? (reqMs / 1000).toFixed(3) : '-1',
      pod ? (root.durationMs / 1000).toFixed(3) : '-1',
      pod ? (respMs / 1000).toFixed(3) : '-1',
      pod ? status : 503,
      pod ? status : '-',
      received,
      req.bytesOut + 320,
      `${method} https://${res.domain}:443${path} ${h2 ? 'HTTP/2.0' : 'HTTP/1.1'}`,
      req.userAgent,
      tls13 ? 'TLS_AES_128_GCM_SHA256' : 'ECDHE-RSA-AES128-GCM-SHA256',
      tls13 ? 'TLSv1.3' : 'TLSv1.2',
      res.targetGroupArn,
      xrayRoot(req.traceId, req.start),
      res.domain,
      res.certificateArn,
      10,
      creationTime.format(req.start),
      'waf,forward',
      target,
      pod ? status : '-',
      `TID_${hex32(hashInts(h, 11))}${hex32(hashInts(h, 12))}${hex32(hashInts(h, 13))}${hex32(hashInts(h, 14))}`,
    ]);
    const ts = Math.floor(end);
    ctx.emit('cloudwatch_log', ts, res.albName, { logGroupName: group, logStreamName: streams.of(ts, node), logEvents: [{ timestamp: ts, message }] }, truthOf(cause, ALB_ACCESS.id), req.traceId);
  }
}
