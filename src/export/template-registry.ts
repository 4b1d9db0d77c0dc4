// Every template obsynth writes log lines and error messages from, by id, for exports and the
// realism check: the container log templates (static ones and the per-service request and queue
// templates, which are created on first use, so they are instantiated here for the shop's
// topology), the exception messages and the CloudWatch log lines.
//
// Each entry also carries the template of the line's *message* (what a LogHub "Content" column
// holds): for lines whose pattern includes a header (RDS's log_line_prefix and severity, the JVM
// unified-logging decorations) the header is left out, since it goes to other columns.
import type { ServicesFile } from '../config/schema.js';
import { CW_LOG_TEMPLATES } from '../generators/cloudwatch/log-templates.js';
import { EXCEPTION_TEMPLATES } from '../generators/code/exceptions.js';
import { LOG_TEMPLATES, queueTemplates, routeTemplates } from '../generators/kubernetes/log-templates.js';
import { Topology } from '../model/topology.js';

/** Continuation lines of a multi-line stack trace: each is a line of its own to a log shipper. */
export const STACKTRACE_TEMPLATE_ID = 'stacktrace';

export interface TemplateEntry {
  readonly id: string;
  /** The pattern the generator fills, `<*>` for each variable. */
  readonly pattern: string;
  /** The pattern of the message alone (the LogHub EventTemplate). */
  readonly eventTemplate: string;
  /** Where it comes from: container logs, exceptions (Sentry and error lines) or CloudWatch. */
  readonly family: 'container' | 'exception' | 'cloudwatch' | 'other';
}

/** The RDS PostgreSQL log_line_prefix '%t:%r:%u@%d:[%p]:' and the severity after it. */
const PG_HEADER = /^<\*>:<\*>:<\*>@<\*>:\[<\*>\]:(?:LOG|ERROR|FATAL|STATEMENT|WARNING|DETAIL|HINT|PANIC):  /;
/** JVM unified logging decorations: [time][level][tags]. */
const JVM_HEADER = /^\[<\*>\]\[[a-z]+\]\[[a-z,]+\] /;

function eventTemplateOf(pattern: string): string {
  return pattern.replace(PG_HEADER, '').replace(JVM_HEADER, '');
}

const ESCAPE = /[.*+?^${}()|[\]\\]/g;

/** A regular expression matching exactly the strings a pattern can produce; one group per `<*>`. */
export function templateRegex(pattern: string): RegExp {
  const parts = pattern.split('<*>').map((p) => p.replace(ESCAPE, '\\$&'));
  return new RegExp(`^${parts.join('([\\s\\S]*?)')}$`);
}

export class TemplateRegistry {
  private readonly byId = new Map<string, TemplateEntry>();
  private readonly regexes = new Map<string, RegExp>();

  add(entry: TemplateEntry): void {
    const existing = this.byId.get(entry.id);
    if (existing && existing.pattern !== entry.pattern) throw new Error(`template ${entry.id} has two patterns: ${JSON.stringify(existing.pattern)} and ${JSON.stringify(entry.pattern)}`);
    this.byId.set(entry.id, entry);
  }

  get(id: string): TemplateEntry | undefined {
    return this.byId.get(id);
  }

  /** The compiled EventTemplate of a template id (cached). */
  regex(id: string): RegExp | undefined {
    let re = this.regexes.get(id);
    if (re) return re;
    const e = this.byId.get(id);
    if (!e) return undefined;
    re = templateRegex(e.eventTemplate);
    this.regexes.set(id, re);
    return re;
  }

  /** The variables of a message made from template `id`, or undefined when it does not match. */
  variables(id: string, content: string): string[] | undefined {
    const m = this.regex(id)?.exec(content);
    return m ? m.slice(1) : undefined;
  }

  matches(id: string, content: string): boolean {
    return this.regex(id)?.test(content) ?? false;
  }

  all(): TemplateEntry[] {
    return [...this.byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get size(): number {
    return this.byId.size;
  }
}

/**
 * The registry for a shop: every static template plus the request and queue templates of each
 * service's routes and consumers. Ids and patterns never depend on the seed, only on the
 * configuration, so the same id always names the same template.
 */
export function buildTemplateRegistry(services: ServicesFile): TemplateRegistry {
  const topology = new Topology(services);
  // Route and queue templates register themselves on first use; instantiate them all, in
  // configuration order, before listing.
  for (const service of topology.services) {
    for (const endpoint of service.endpoints) routeTemplates(service, endpoint);
    for (const consumer of service.consumers) queueTemplates(service, consumer.queue);
  }
  const registry = new TemplateRegistry();
  const requestIds = new Set<string>();
  for (const service of topology.services) {
    for (const endpoint of service.endpoints) requestIds.add(routeTemplates(service, endpoint).success.id);
    for (const consumer of service.consumers) requestIds.add(queueTemplates(service, consumer.queue).success.id);
  }
  for (const t of LOG_TEMPLATES.all()) {
    // Request templates of other configurations loaded in this process are not this shop's.
    if ((t.id.startsWith('req.') || t.id.startsWith('msg.')) && !requestIds.has(t.id)) continue;
    registry.add({ id: t.id, pattern: t.pattern, eventTemplate: eventTemplateOf(t.pattern), family: 'container' });
  }
  for (const t of EXCEPTION_TEMPLATES.all()) registry.add({ id: t.id, pattern: t.pattern, eventTemplate: t.pattern, family: 'exception' });
  for (const t of CW_LOG_TEMPLATES.all()) registry.add({ id: t.id, pattern: t.pattern, eventTemplate: eventTemplateOf(t.pattern), family: 'cloudwatch' });
  // Lines written without a template object: stack trace continuations and CoreDNS's banner.
  registry.add({ id: STACKTRACE_TEMPLATE_ID, pattern: '<*>', eventTemplate: '<*>', family: 'other' });
  registry.add({ id: 'coredns.start', pattern: '.:53', eventTemplate: '.:53', family: 'other' });
  return registry;
}
