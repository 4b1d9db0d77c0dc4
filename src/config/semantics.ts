// Rules that span keys or files: names that must exist, a call graph without cycles, scenarios
// that can show up in enough sources, cron expressions that parse.
import type { Problem } from './errors.js';
import type { SourceFile } from './load.js';
import { SOURCE_NAMES, type GenerationFile, type IncidentsFile, type ServicesFile } from './schema.js';
import { CronParseError, parseCron } from '../time/cron.js';

interface Checked<T> {
  value: T;
  source: SourceFile;
}

/** Every scenario must show up in at least this many of the four sources. */
export const MIN_SOURCES_PER_SCENARIO = 3;

export function checkSemantics(
  servicesFile: Checked<ServicesFile>,
  incidentsFile: Checked<IncidentsFile>,
  generationFile: Checked<GenerationFile>,
): Problem[] {
  const problems: Problem[] = [];
  const { value: svc, source: s } = servicesFile;
  const serviceNames = new Map<string, number>();
  const datastoreNames = new Map<string, number>();
  const namespaces = new Set(svc.namespaces);

  svc.services.forEach((service, i) => {
    if (serviceNames.has(service.name)) problems.push(s.problem(['services', i, 'name'], `"${service.name}" is defined twice`));
    serviceNames.set(service.name, i);
    if (!namespaces.has(service.namespace)) {
      problems.push(s.problem(['services', i, 'namespace'], `"${service.namespace}" is not a declared namespace; allowed: ${svc.namespaces.join(' | ')}`));
    }
    const { resources } = service;
    if (resources.cpu_limit_millicores < resources.cpu_request_millicores) {
      problems.push(s.problem(['services', i, 'resources', 'cpu_limit_millicores'], `${resources.cpu_limit_millicores} is below the request (${resources.cpu_request_millicores})`));
    }
    if (resources.memory_limit_mib < resources.memory_request_mib) {
      problems.push(s.problem(['services', i, 'resources', 'memory_limit_mib'], `${resources.memory_limit_mib} is below the request (${resources.memory_request_mib})`));
    }
    const routes = new Set<string>();
    service.endpoints.forEach((e, j) => {
      if (routes.has(e.route)) problems.push(s.problem(['services', i, 'endpoints', j, 'route'], `"${e.route}" is defined twice`));
      routes.add(e.route);
    });
  });
  svc.datastores.forEach((d, i) => {
    if (datastoreNames.has(d.name) || serviceNames.has(d.name)) problems.push(s.problem(['datastores', i, 'name'], `"${d.name}" is already the name of a service or datastore`));
    datastoreNames.set(d.name, i);
    if (d.namespace !== undefined && !namespaces.has(d.namespace)) {
      problems.push(s.problem(['datastores', i, 'namespace'], `"${d.namespace}" is not a declared namespace; allowed: ${svc.namespaces.join(' | ')}`));
    }
  });
  const nodeNames = new Set<string>();
  svc.nodes.forEach((n, i) => {
    if (nodeNames.has(n.name)) problems.push(s.problem(['nodes', i, 'name'], `"${n.name}" is defined twice`));
    nodeNames.add(n.name);
  });

  const queues = new Set(svc.datastores.flatMap((d) => d.queues ?? []));
  const targetList = [...serviceNames.keys(), ...datastoreNames.keys()].join(' | ');
  const edges = new Map<string, Set<string>>();
  const checkCalls = (calls: ServicesFile['services'][number]['endpoints'][number]['calls'], path: PropertyKey[], caller: string) => {
    calls.forEach((call, k) => {
      const at = [...path, k];
      if (serviceNames.has(call.target)) {
        const callee = svc.services[serviceNames.get(call.target)!]!;
        if (call.route === undefined) problems.push(s.problem([...at], `a call to service "${call.target}" needs a route; allowed: ${callee.endpoints.map((e) => e.route).join(' | ')}`, 'route'));
        else if (!callee.endpoints.some((e) => e.route === call.route)) {
          problems.push(s.problem([...at, 'route'], `"${call.route}" is not an endpoint of ${call.target}; allowed: ${callee.endpoints.map((e) => e.route).join(' | ')}`));
        }
        if (!edges.has(caller)) edges.set(caller, new Set());
        edges.get(caller)!.add(call.target);
      } else if (!datastoreNames.has(call.target)) {
        problems.push(s.problem([...at, 'target'], `"${call.target}" is not a service or datastore; allowed: ${targetList}`));
      }
    });
  };
  svc.services.forEach((service, i) => {
    service.endpoints.forEach((e, j) => checkCalls(e.calls, ['services', i, 'endpoints', j, 'calls'], service.name));
    service.consumes.forEach((c, j) => {
      if (!queues.has(c.queue)) problems.push(s.problem(['services', i, 'consumes', j, 'queue'], `"${c.queue}" is not a queue of any datastore; allowed: ${[...queues].join(' | ') || '(none declared)'}`));
      checkCalls(c.calls, ['services', i, 'consumes', j, 'calls'], service.name);
    });
    service.publishes.forEach((p, j) => {
      if (!queues.has(p.queue)) problems.push(s.problem(['services', i, 'publishes', j, 'queue'], `"${p.queue}" is not a queue of any datastore; allowed: ${[...queues].join(' | ') || '(none declared)'}`));
      if (!service.endpoints.some((e) => e.route === p.route)) problems.push(s.problem(['services', i, 'publishes', j, 'route'], `"${p.route}" is not an endpoint of ${service.name}`));
    });
  });

  const cycle = findCycle(edges);
  if (cycle) problems.push(s.problem(['services'], `the call graph has a cycle: ${cycle.join(' -> ')}`));
  if (!serviceNames.has(svc.aws.alb.target_service)) {
    problems.push(s.problem(['aws', 'alb', 'target_service'], `"${svc.aws.alb.target_service}" is not a service; allowed: ${[...serviceNames.keys()].join(' | ')}`));
  }

  // incidents.yaml
  const { value: inc, source: i } = incidentsFile;
  for (const [type, scenario] of Object.entries(inc.scenarios)) {
    if (!scenario) continue;
    scenario.targets.forEach((t, k) => {
      if (!serviceNames.has(t) && !datastoreNames.has(t)) {
        problems.push(i.problem(['scenarios', type, 'targets', k], `"${t}" is not a service or datastore in ${s.path}; allowed: ${targetList}`));
      }
    });
    const shown = SOURCE_NAMES.filter((src) => scenario.signature[src].length > 0);
    if (shown.length < MIN_SOURCES_PER_SCENARIO) {
      problems.push(i.problem(['scenarios', type, 'signature'], `shows up in ${shown.length} source(s) (${shown.join(', ') || 'none'}); a scenario needs at least ${MIN_SOURCES_PER_SCENARIO} of ${SOURCE_NAMES.join(', ')}`));
    }
    if (scenario.onset_fraction + scenario.recovery_fraction > 0.98) {
      problems.push(i.problem(['scenarios', type, 'recovery_fraction'], `onset_fraction + recovery_fraction is ${(scenario.onset_fraction + scenario.recovery_fraction).toFixed(2)}; must leave room for the peak (<= 0.98)`));
    }
  }

  // generation.yaml
  const { value: gen, source: g } = generationFile;
  gen.traffic.jobs.forEach((job, k) => {
    if (!serviceNames.has(job.service)) problems.push(g.problem(['traffic', 'jobs', k, 'service'], `"${job.service}" is not a service in ${s.path}; allowed: ${[...serviceNames.keys()].join(' | ')}`));
    try {
      parseCron(job.schedule, 0);
    } catch (err) {
      if (!(err instanceof CronParseError)) throw err;
      problems.push(g.problem(['traffic', 'jobs', k, 'schedule'], `"${job.schedule}": ${err.message}`));
    }
  });
  const activeScenarios = Object.values(inc.scenarios).filter((sc) => sc && sc.weight > 0);
  if (gen.incidents.per_day > 0 && activeScenarios.length === 0) {
    problems.push(g.problem(['incidents', 'per_day'], `is ${gen.incidents.per_day} but ${i.path} has no scenario with weight > 0`));
  }
  return problems;
}

/** A cycle in a directed graph as a list of names (first = last), or undefined. */
export function findCycle(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const st = state.get(node);
    if (st === 'done') return undefined;
    if (st === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...edges.keys()].sort()) {
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}
