// A loopback CAPTURE SERVER standing in for Grafana's HTTP API in tests — not Grafana. Grafana is
// AGPL and cannot be installed on our machines, so the grafana_annotations sink is tested against
// this: it speaks the part of the API the sink uses, as Grafana documents it, and keeps what it
// receives for the test to read back:
//   GET  /api/health       -> 200 {"database":"ok","version":"capture"}
//   POST /api/annotations  -> 200 {"message":"Annotation added","id":N}; 400 {"message":...} for a
//                             body Grafana would refuse (time not a number, tags not strings …);
//                             401 {"message":"Unauthorized"} when a credential is required and wrong
//   GET  /api/annotations?tags=a&tags=b -> the stored annotations having all those tags (Grafana's
//                             default matchAny=false), newest first, as Grafana lists them
// It can also answer the first N annotation posts with a status (429 + Retry-After …) to script
// faults.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedAnnotation {
  readonly id: number;
  readonly dashboardUID?: string;
  readonly panelId?: number;
  readonly time: number;
  readonly timeEnd?: number;
  readonly tags: string[];
  readonly text: string;
  /** Request headers (lower-case names). */
  readonly headers: Record<string, string | string[] | undefined>;
}

export interface GrafanaCaptureOptions {
  /** The Authorization header value every API call must carry (health excepted, as in Grafana). */
  readonly authorization?: string;
  /** Answer the first `count` POSTs with `status` (and Retry-After seconds). */
  readonly faults?: { readonly count: number; readonly status: number; readonly retryAfterSecs?: number };
}

export interface GrafanaCapture {
  readonly url: string;
  readonly annotations: CapturedAnnotation[];
  readonly stats: { posts: number; faults: number; maxInFlight: number };
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** What Grafana's POST /api/annotations refuses with 400 (its PostAnnotationsCmd binding). */
function invalid(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'bad request data';
  const b = body as Record<string, unknown>;
  if (b['time'] !== undefined && (typeof b['time'] !== 'number' || !Number.isInteger(b['time']))) return 'bad request data';
  if (b['timeEnd'] !== undefined && (typeof b['timeEnd'] !== 'number' || !Number.isInteger(b['timeEnd']))) return 'bad request data';
  if (b['tags'] !== undefined && (!Array.isArray(b['tags']) || b['tags'].some((t) => typeof t !== 'string'))) return 'bad request data';
  if (b['dashboardUID'] !== undefined && typeof b['dashboardUID'] !== 'string') return 'bad request data';
  if (b['panelId'] !== undefined && typeof b['panelId'] !== 'number') return 'bad request data';
  if (typeof b['text'] !== 'string' || b['text'] === '') return 'Failed to save annotation: text is empty';
  return undefined;
}

export async function startGrafanaCapture(options: GrafanaCaptureOptions = {}): Promise<GrafanaCapture> {
  const annotations: CapturedAnnotation[] = [];
  const stats = { posts: 0, faults: 0, maxInFlight: 0 };
  let inFlight = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://capture');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && url.pathname === '/api/health') return send(res, 200, { commit: 'capture', database: 'ok', version: 'capture' });
      if (options.authorization !== undefined && req.headers.authorization !== options.authorization) return send(res, 401, { message: 'Unauthorized' });
      if (url.pathname !== '/api/annotations') return send(res, 404, { message: 'Not found' });
      if (req.method === 'GET') {
        const tags = url.searchParams.getAll('tags');
        const found = annotations.filter((a) => tags.every((t) => a.tags.includes(t))).sort((a, b) => b.time - a.time);
        return send(res, 200, found.map(({ headers: _h, ...a }) => a));
      }
      if (req.method !== 'POST') return send(res, 405, { message: 'Method not allowed' });
      stats.posts++;
      inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      // Answer on a later tick, so concurrent posts overlap as they would on a real server.
      setTimeout(() => {
        inFlight--;
        if (options.faults && stats.faults < options.faults.count) {
          stats.faults++;
          const headers: Record<string, string> = options.faults.retryAfterSecs !== undefined ? { 'retry-after': String(options.faults.retryAfterSecs) } : {};
          return send(res, options.faults.status, { message: 'injected fault' }, headers);
        }
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return send(res, 400, { message: 'bad request data' });
        }
        const problem = invalid(body);
        if (problem) return send(res, 400, { message: problem });
        const b = body as Omit<CapturedAnnotation, 'id' | 'headers'>;
        const id = annotations.length + 1;
        annotations.push({ ...b, tags: b.tags ?? [], id, headers: { ...req.headers } });
        send(res, 200, { message: 'Annotation added', id });
      }, 2);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    annotations,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
