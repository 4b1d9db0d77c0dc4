// The PostgreSQL log RDS publishes to CloudWatch Logs: checkpoints, autovacuum, connection churn
// of the services' pools (log_connections on), slow statements of the simulated requests
// (log_min_duration_statement = 200 ms, with the sqlcommenter traceparent the apps add), temp
// files of the nightly jobs, and what a pool-exhaustion incident makes the server say. Lines that
// follow from time alone are drawn from hashes of (minute, purpose), so they do not depend on how
// the history is cut into windows.
import type { IncidentActivity } from '../../model/incident.js';
import type { RequestSim, SpanSim } from '../../simulation/requests.js';
import type { Pod } from '../../simulation/rollouts.js';
import { hashInts, hashNormal, hashString, hashUnit, hex32 } from '../../random/rng.js';
import { floorTo, isoSeconds, MINUTE, SECOND } from '../../time/calendar.js';
import { truthOf, type GenerationContext } from '../generator.js';
import type { Template } from '../template.js';
import type { Catalog } from './catalog.js';
import type { Snap } from './model.js';
import {
  PG_AUTOANALYZE,
  PG_AUTOVACUUM,
  PG_CHECKPOINT_COMPLETE,
  PG_CHECKPOINT_STARTING,
  PG_CONNECTION_AUTHORIZED,
  PG_CONNECTION_RECEIVED,
  PG_CONNECTION_RESET,
  PG_DISCONNECTION,
  PG_SLOW_QUERY,
  PG_STATEMENT,
  PG_STATEMENT_TIMEOUT,
  PG_TEMP_FILE,
  PG_TOO_MANY,
} from './log-templates.js';
import { momentAt } from './metrics.js';
import type { Scopes } from './scope.js';
import { rdsState } from './series-rds.js';
import { poissonOf } from './series.js';

const SLOW_MS = 200;
const CHECKPOINT_MS = 5 * MINUTE;
/**
 * Minutes a pooled connection lives: HikariCP's and SQLAlchemy's recycling (30 min), pgxpool's
 * MaxConnLifetime (1 h), and node-postgres, whose idle timeout closes and reopens connections
 * between bursts every few minutes.
 */
const POOL_LIFETIME_MIN: Readonly<Record<string, number>> = { java: 30, python: 30, go: 60, node: 4 };
const DATABASE = 'shop';

/** SQL behind each operation name in services.yaml ("SELECT users" -> a real statement). */
function sqlOf(operation: string, id: string): string {
  const [verb = 'SELECT', table = 'items'] = operation.split(' ');
  switch (verb.toUpperCase()) {
    case 'INSERT':
      return `INSERT INTO ${table} (id, customer_id, status, total_cents, created_at) VALUES ($1, $2, $3, $4, now()) RETURNING id`;
    case 'UPDATE':
      return `UPDATE ${table} SET status = $1, updated_at = now() WHERE id = $2`;
    case 'DELETE':
      return `DELETE FROM ${table} WHERE id = $1`;
    default:
      return table === 'users'
        ? `SELECT id, email, password_hash, created_at FROM users WHERE email = $1`
        : table === 'products'
          ? `SELECT p.id, p.sku, p.name, p.price_cents, s.quantity FROM products p JOIN stock s ON s.product_id = p.id WHERE p.category_id = $1 ORDER BY p.rank LIMIT 48 /* ${id} */`
          : `SELECT * FROM ${table} WHERE id = $1`;
  }
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** PostgreSQL '%t': 2026-11-24 15:00:01 UTC */
function pgTime(ms: number): string {
  return `${isoSeconds(ms).slice(0, 19).replace('T', ' ')} UTC`;
}

interface Line {
  readonly t: number;
  readonly template: Template;
  readonly args: ReadonlyArray<string | number>;
  readonly activity?: IncidentActivity;
  readonly traceId?: string;
}

export function writeRdsLogs(ctx: GenerationContext, catalog: Catalog, scopes: Scopes): void {
  const st = catalog.statics;
  const pg = st.postgres;
  if (!pg) return;
  const { world, window } = ctx;
  const id = st.res.rdsPrimary;
  const seed = world.options.seed;
  const key = hashString(`rds-log:${id}`, seed);
  const maxConn = world.topology.config.aws.rds.max_connections;
  const volume = world.generation.sources.cloudwatch.volume;
  const lines: Line[] = [];
  const bg = (t: number, pid: number): Array<string | number> => [pgTime(t), '', '', '', pid];
  // Pods change at most a few times a day: look them up once per service and minute.
  const podCache = new Map<number, Map<string, readonly Pod[]>>();
  const podsOf = (service: string, t: number): readonly Pod[] => {
    const minute = Math.floor(t / MINUTE);
    let byService = podCache.get(minute);
    if (!byService) podCache.set(minute, (byService = new Map()));
    let pods = byService.get(service);
    if (!pods) byService.set(service, (pods = world.rollouts.podsAt(service, t).serving));
    return pods;
  };
  const client = (t: number, service: string, n: number): { prefix: Array<string | number>; host: string; port: number } => {
    const pods = podsOf(service, t);
    const pod = pods[n % Math.max(1, pods.length)];
    const host = pod?.ip ?? '10.0.10.10';
    const port = 32768 + (hashInts(key, n, 11) % 28000);
    return { prefix: [pgTime(t), `${host}(${port})`, service.replaceAll('-', '_'), DATABASE, 1000 + (hashInts(key, n, 12) % 60000)], host, port };
  };

  // Checkpoints every 5 minutes (a complete line may belong to a checkpoint started in the window before).
  for (let c = floorTo(window.start - CHECKPOINT_MS, CHECKPOINT_MS); c < window.end; c += CHECKPOINT_MS) {
    const pair = momentAt(st, scopes, c, MINUTE);
    const state = rdsState(pair.actual);
    const buffers = Math.round(300 + state.writes * 300 * 0.35 * (1 + 0.2 * hashNormal(key, c, 1)));
    const write = 269.5 + hashUnit(key, c, 2) * 0.4;
    const sync = 0.002 + hashUnit(key, c, 3) * 0.01;
    const lsn = Math.floor(c / 1000);
    const start = c + 250 + (hashInts(key, c, 4) % 700);
    const done = start + Math.round((write + sync) * 1000);
    lines.push({ t: start, template: PG_CHECKPOINT_STARTING, args: bg(start, 392) });
    lines.push({
      t: done,
      template: PG_CHECKPOINT_COMPLETE,
      args: [
        ...bg(done, 392),
        buffers,
        ((buffers / 16384) * 100).toFixed(1),
        hashInts(key, c, 5) % 2,
        1 + (hashInts(key, c, 6) % 3),
        write.toFixed(3),
        sync.toFixed(3),
        (write + sync + 0.01).toFixed(3),
        20 + (hashInts(key, c, 7) % 40),
        (sync * 0.6).toFixed(3),
        (sync / 8).toFixed(3),
        buffers * 9,
        buffers * 10,
        `${hex32(lsn >>> 20).replace(/^0+/, '') || '0'}/${hex32(lsn * 4096).toUpperCase()}`,
        `${hex32(lsn >>> 20).replace(/^0+/, '') || '0'}/${hex32(lsn * 4096 - 8192).toUpperCase()}`,
      ],
    });
  }

  const tables = ['orders', 'payments', 'events', 'users', 'products'];
  // From the minute before: its last lines can spill into this window.
  for (let m = floorTo(window.start, MINUTE) - MINUTE; m < window.end; m += MINUTE) {
    const pair = momentAt(st, scopes, m, MINUTE);
    const state = rdsState(pair.actual);
    const load = Math.max(0.1, state.work);
    // Autovacuum and autoanalyze follow the write load.
    tables.forEach((table, ti) => {
      const tk = hashInts(key, ti, m);
      const vac = poissonOf(0.09 * load * volume, hashUnit(tk, 1), 0);
      const ana = poissonOf(0.05 * load * volume, hashUnit(tk, 2), 0);
      for (let i = 0; i < vac + ana; i++) {
        const t = m + (hashInts(tk, 3, i) % MINUTE);
        const pages = 20_000 + (hashInts(key, ti) % 90_000);
        const scanned = Math.round(pages * (0.01 + 0.05 * hashUnit(tk, 4, i)));
        const elapsed = 0.4 + 6 * hashUnit(tk, 5, i);
        const rw = [(2 + 30 * hashUnit(tk, 6, i)).toFixed(3), (0.5 + 8 * hashUnit(tk, 7, i)).toFixed(3)];
        const buf = [scanned * 3, Math.round(scanned * 0.2), Math.round(scanned * 0.4)];
        const cpu = [(elapsed * 0.05).toFixed(2), (elapsed * 0.02).toFixed(2), elapsed.toFixed(2)];
        const pid = 20_000 + (hashInts(tk, 8, i) % 40_000);
        if (i < vac) {
          lines.push({ t, template: PG_AUTOVACUUM, args: [...bg(t, pid), `${DATABASE}.public.${table}`, hashInts(tk, 9, i) % 2, pages, scanned, ((scanned / pages) * 100).toFixed(2), scanned * 4, pages * 38, ...buf, ...rw, ...cpu] });
        } else {
          lines.push({ t, template: PG_AUTOANALYZE, args: [...bg(t, pid), `${DATABASE}.public.${table}`, ...rw, ...buf, ...cpu] });
        }
      }
    });

    // Pool connections reach their lifetime and are replaced: disconnection, then a new one.
    let perMin = 0;
    const weights: Array<[string, number]> = [];
    for (const name of st.pgServices) {
      const svc = st.services.get(name)!;
      const w = (pair.actual.moment.podsAt(name).serving.length * svc.pgPoolMin) / (POOL_LIFETIME_MIN[svc.service.language] ?? 30);
      perMin += w;
      weights.push([name, w]);
    }
    const churn = poissonOf(perMin * volume, hashUnit(key, m, 20), hashNormal(key, m, 21));
    for (let i = 0; i < churn; i++) {
      const n = hashInts(key, m, 22, i);
      let x = ((n % 10_000) / 10_000) * perMin;
      let service = weights[0]?.[0] ?? 'app';
      for (const [name, w] of weights) {
        service = name;
        if ((x -= w) < 0) break;
      }
      const t = m + (hashInts(n, 23) % MINUTE);
      const old = client(t, service, n);
      const session = (POOL_LIFETIME_MIN[world.topology.service(service).language] ?? 30) * 60 + (n % 40) + (n % 1000) / 1000;
      lines.push({ t, template: PG_DISCONNECTION, args: [...old.prefix, `0:${pad(Math.floor(session / 60), 2)}:${pad(Math.floor(session % 60), 2)}.${pad(Math.floor((session % 1) * 1000), 3)}`, old.prefix[2]!, DATABASE, old.host, old.port] });
      const fresh = client(t + 3, service, n + 1);
      const recv = [fresh.prefix[0]!, fresh.prefix[1]!, '[unknown]', '[unknown]', fresh.prefix[4]!];
      lines.push({ t: t + 3, template: PG_CONNECTION_RECEIVED, args: [...recv, fresh.host, fresh.port] });
      lines.push({ t: t + 9, template: PG_CONNECTION_AUTHORIZED, args: [...fresh.prefix, fresh.prefix[2]!, DATABASE, service] });
    }

    // Nightly jobs spill sorts to disk.
    if (state.jobDb > 1.2) {
      const k = poissonOf(2.5 * (state.jobDb - 1) * volume, hashUnit(key, m, 30), 0);
      for (let i = 0; i < k; i++) {
        const t = m + (hashInts(key, m, 31, i) % MINUTE);
        const pid = 40_000 + (hashInts(key, m, 32, i) % 20_000);
        const job = client(t, st.pgServices.find((s) => s.startsWith('analytics')) ?? st.pgServices[0] ?? 'app', pid);
        lines.push({ t, template: PG_TEMP_FILE, args: [...job.prefix, pid, i, 8_388_608 * (1 + (hashInts(key, m, 33, i) % 120))] });
      }
    }

    incidentLines(lines, pair.actual, st.pgServices, m, key, state.connections / maxConn, volume, client);
  }

  // Slow statements of the simulated requests.
  const visit = (req: RequestSim, span: SpanSim, caller: string): void => {
    for (const child of span.children) {
      if (child.target === pg.name && child.durationMs >= SLOW_MS) {
        const t = Math.floor(child.start + child.durationMs);
        const c = client(t, caller, hashString(child.spanId));
        const sql = `${sqlOf(child.operation, req.entityId)} /*traceparent='00-${req.traceId}-${child.spanId}-01'*/`;
        lines.push({ t, template: PG_SLOW_QUERY, args: [...c.prefix, child.durationMs.toFixed(3), sql], activity: child.cause, traceId: req.traceId });
      }
      if (!child.isDatastore) visit(req, child, child.target);
    }
  };
  for (const req of ctx.requests()) visit(req, req.root, req.root.target);

  const group = `/aws/rds/instance/${id}/postgresql`;
  for (const line of lines) {
    if (line.t < window.start || line.t >= window.end) continue;
    const message = line.template.fill(line.args);
    ctx.emit('cloudwatch_log', line.t, id, { logGroupName: group, logStreamName: id, logEvents: [{ timestamp: line.t, message }] }, truthOf(line.activity, line.template.id), line.traceId);
  }
}

type Client = (t: number, service: string, n: number) => { prefix: Array<string | number> };

/** What a pool-exhaustion incident (one whose signature lists rds_logs) makes the server log in minute m. */
function incidentLines(lines: Line[], snap: Snap, pgServices: readonly string[], m: number, key: number, connShare: number, volume: number, client: Client): void {
  if (!snap.strongest(pgServices)) return;
  let activity: IncidentActivity | undefined;
  let stress = 0;
  for (const name of pgServices) {
    for (const a of snap.cond(name).activities) {
      if (!a.incident.signature.cloudwatch.includes('rds_logs')) continue;
      const e = a.target.hops === 0 ? a.incident.effects.root : a.incident.effects.propagated;
      const s = (e.db_connections ?? 0) * a.intensity;
      if (s > stress) {
        stress = s;
        activity = a;
      }
    }
  }
  if (!activity || stress <= 0.02) return;
  const service = activity.target.target;
  const counts: Array<[Template, number]> = [
    [PG_TOO_MANY, connShare >= 0.9 ? 60 * Math.min(1, (connShare - 0.9) / 0.1) : 0],
    [PG_STATEMENT_TIMEOUT, 20 * stress],
    [PG_CONNECTION_RESET, 8 * stress],
    [PG_SLOW_QUERY, 25 * stress],
  ];
  counts.forEach(([template, rate], ti) => {
    const k = poissonOf(rate * volume, hashUnit(key, m, 40 + ti), hashNormal(key, m, 50 + ti));
    for (let i = 0; i < k; i++) {
      const n = hashInts(key, m, 60 + ti, i);
      const t = m + (n % MINUTE);
      const c = client(t, service, n);
      const sql = sqlOf(['SELECT orders', 'UPDATE orders', 'SELECT payments', 'SELECT users'][n % 4]!, String(100_000 + (n % 900_000)));
      if (template === PG_SLOW_QUERY) {
        lines.push({ t, template, args: [...c.prefix, (1500 + (n % 28_500) + (n % 1000) / 1000).toFixed(3), sql], activity });
      } else if (template === PG_STATEMENT_TIMEOUT) {
        lines.push({ t, template, args: c.prefix, activity });
        lines.push({ t, template: PG_STATEMENT, args: [...c.prefix, sql], activity });
      } else {
        lines.push({ t: t + (template === PG_CONNECTION_RESET ? SECOND : 0), template, args: c.prefix, activity });
      }
    }
  });
}
