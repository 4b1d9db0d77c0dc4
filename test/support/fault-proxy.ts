// A loopback HTTP proxy in front of a real backend that fails on purpose: the first N requests
// get 429 or 503 (with Retry-After), or the proxy drops connections, then it forwards
// faithfully. Tests use it to show a replay retries and loses nothing. (It is a proxy, not a
// fake backend: every request that passes reaches the real server.)
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultPlan {
  /** Answer the first `count` requests with this status instead of forwarding them. */
  readonly status?: 429 | 500 | 502 | 503 | 504;
  readonly count: number;
  readonly retryAfterSecs?: number;
  /** Instead of a status, destroy the connection. */
  readonly drop?: boolean;
}

export interface FaultProxy {
  readonly url: string;
  readonly stats: { forwarded: number; failed: number };
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, plan: FaultPlan): Promise<FaultProxy> {
  const upstream = new URL(target);
  const stats = { forwarded: 0, failed: 0 };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (stats.failed < plan.count) {
      stats.failed++;
      req.resume();
      if (plan.drop) {
        req.socket.destroy();
        return;
      }
      // A JSON error body: AWS SDKs read the error type from it, other clients only the status.
      const status = plan.status ?? 503;
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-errortype': status === 429 ? 'ThrottlingException' : 'ServiceUnavailableException' };
      if (plan.retryAfterSecs !== undefined) headers['retry-after'] = String(plan.retryAfterSecs);
      res.writeHead(status, headers).end(JSON.stringify({ __type: headers['x-amzn-errortype'], message: 'injected fault' }));
      return;
    }
    stats.forwarded++;
    const out = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', (err) => res.writeHead(502).end(String(err)));
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
