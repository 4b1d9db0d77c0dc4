// Templates of every CloudWatch log line obsynth writes; their ids travel in the labels.
// RDS lines carry PostgreSQL's RDS log_line_prefix '%t:%r:%u@%d:[%p]:' as variables.
import { TemplateSet } from '../template.js';

export const CW_LOG_TEMPLATES = new TemplateSet();
const t = (id: string, pattern: string) => CW_LOG_TEMPLATES.add(id, pattern);

/** The documented Application Load Balancer access-log entry (fields up to conn_trace_id). */
export const ALB_ACCESS = t(
  'cw.alb.access',
  '<*> <*> <*> <*> <*> <*> <*> <*> <*> <*> <*> <*> "<*>" "<*>" <*> <*> <*> "<*>" "<*>" "<*>" <*> <*> "<*>" "-" "-" "<*>" "<*>" "-" "-" <*>',
);

const PG = '<*>:<*>:<*>@<*>:[<*>]:';
export const PG_CHECKPOINT_STARTING = t('cw.rds.checkpoint_starting', `${PG}LOG:  checkpoint starting: time`);
export const PG_CHECKPOINT_COMPLETE = t(
  'cw.rds.checkpoint_complete',
  `${PG}LOG:  checkpoint complete: wrote <*> buffers (<*>%); 0 WAL file(s) added, <*> removed, <*> recycled; write=<*> s, sync=<*> s, total=<*> s; sync files=<*>, longest=<*> s, average=<*> s; distance=<*> kB, estimate=<*> kB; lsn=<*>, redo lsn=<*>`,
);
export const PG_AUTOVACUUM = t(
  'cw.rds.autovacuum',
  `${PG}LOG:  automatic vacuum of table "<*>": index scans: <*>\n\tpages: 0 removed, <*> remain, <*> scanned (<*>% of total)\n\ttuples: <*> removed, <*> remain, 0 are dead but not yet removable\n\tbuffer usage: <*> hits, <*> misses, <*> dirtied\n\tavg read rate: <*> MB/s, avg write rate: <*> MB/s\n\tsystem usage: CPU: user: <*> s, system: <*> s, elapsed: <*> s`,
);
export const PG_AUTOANALYZE = t(
  'cw.rds.autoanalyze',
  `${PG}LOG:  automatic analyze of table "<*>"\n\tavg read rate: <*> MB/s, avg write rate: <*> MB/s\n\tbuffer usage: <*> hits, <*> misses, <*> dirtied\n\tsystem usage: CPU: user: <*> s, system: <*> s, elapsed: <*> s`,
);
export const PG_CONNECTION_RECEIVED = t('cw.rds.connection_received', `${PG}LOG:  connection received: host=<*> port=<*>`);
export const PG_CONNECTION_AUTHORIZED = t(
  'cw.rds.connection_authorized',
  `${PG}LOG:  connection authorized: user=<*> database=<*> application_name=<*> SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)`,
);
export const PG_DISCONNECTION = t('cw.rds.disconnection', `${PG}LOG:  disconnection: session time: <*> user=<*> database=<*> host=<*> port=<*>`);
export const PG_SLOW_QUERY = t('cw.rds.slow_query', `${PG}LOG:  duration: <*> ms  statement: <*>`);
export const PG_TEMP_FILE = t('cw.rds.temp_file', `${PG}LOG:  temporary file: path "base/pgsql_tmp/pgsql_tmp<*>.<*>", size <*>`);
export const PG_TOO_MANY = t('cw.rds.too_many_connections', `${PG}FATAL:  remaining connection slots are reserved for roles with the SUPERUSER attribute`);
export const PG_STATEMENT_TIMEOUT = t('cw.rds.statement_timeout', `${PG}ERROR:  canceling statement due to statement timeout`);
export const PG_STATEMENT = t('cw.rds.statement', `${PG}STATEMENT:  <*>`);
export const PG_CONNECTION_RESET = t('cw.rds.connection_reset', `${PG}LOG:  could not receive data from client: Connection reset by peer`);

export const APP_HTTP_ERROR = t('cw.app.http_error', '<*> <*> failed with <*> after <*>ms: <*>');
export const APP_CONSUMER_ERROR = t('cw.app.consumer_error', 'Failed to process message from <*> after <*>ms, requeueing: <*>');
export const APP_SLOW_REQUEST = t('cw.app.slow_request', 'Slow request <*> <*> took <*>ms (p99 budget <*>ms)');
export const APP_MESSAGE_LAG = t('cw.app.message_lag', 'Message from <*> was <*>ms old when consumed (lag threshold <*>ms)');
