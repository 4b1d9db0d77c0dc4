// Container Insights application logs: what Fluent Bit ships from the containers of the
// checkout-critical services to /aws/containerinsights/<cluster>/application. Only their
// error and warning lines (failed requests, slow requests, late messages), printed the way each
// service prints everything, wrapped in Fluent Bit's record with the pod's metadata.
import type { Service } from '../../model/topology.js';
import type { RequestSim, SpanSim } from '../../simulation/requests.js';
import { isClientError } from '../../simulation/failures.js';
import type { Pod } from '../../simulation/rollouts.js';
import { isoNanos } from '../../time/calendar.js';
import { entityOf, handlerLayer, handlerWords, serviceLayer, appFrames } from '../code/code-map.js';
import { exceptionFor } from '../code/exceptions.js';
import { failingChild, failureVars, fillPath } from '../code/failure-vars.js';
import { truthOf, type GenerationContext } from '../generator.js';
import { renderLog, type LogLine } from '../kubernetes/log-formats.js';
import type { Template, Arg } from '../template.js';
import { APP_CONSUMER_ERROR, APP_HTTP_ERROR, APP_MESSAGE_LAG, APP_SLOW_REQUEST } from './log-templates.js';
import { awsResources } from './resources.js';

/** The services whose application logs are shipped to CloudWatch (the rest go to Loki only). */
export const APP_LOG_SERVICES: readonly string[] = ['payment-service', 'notification-service'];
const LAG_THRESHOLD_MS = 30_000;
const Z99 = 2.326;

interface Meta {
  readonly group: string;
  readonly stream: string;
  readonly kubernetes: Record<string, string>;
}

export function writeAppLogs(ctx: GenerationContext): void {
  const { world } = ctx;
  const { topology } = world;
  const services = new Map<string, Service>();
  for (const name of APP_LOG_SERVICES) {
    const s = topology.findService(name);
    if (s) services.set(name, s);
  }
  if (services.size === 0) return;
  const res = awsResources(world);
  const group = `/aws/containerinsights/${res.clusterName}/application`;
  const metas = new Map<string, Meta>();
  const metaOf = (pod: Pod): Meta => {
    let m = metas.get(pod.name);
    if (m) return m;
    const container = pod.service;
    m = {
      group,
      stream: `${pod.node}-application.var.log.containers.${pod.name}_${pod.namespace}_${container}-${pod.containerId}.log`,
      kubernetes: {
        pod_name: pod.name,
        namespace_name: pod.namespace,
        pod_id: pod.uid,
        host: pod.node,
        container_name: container,
        docker_id: pod.containerId,
        container_hash: `${pod.image.split(':')[0]}@${pod.imageDigest}`,
        container_image: pod.image,
      },
    };
    metas.set(pod.name, m);
    return m;
  };

  const write = (service: Service, pod: Pod, req: RequestSim, span: SpanSim, t: number, level: LogLine['level'], template: Template, args: readonly Arg[], error?: LogLine['error']): void => {
    const skew = world.skewMs(pod.node);
    const at = t + skew;
    const logger = span.endpoint ? handlerLayer(service, handlerWords(span.endpoint)).logger : serviceLayer(service, entityOf(service.name), ['handle', 'message']).logger;
    const line: LogLine = { t: at, level, template, args, logger, traceId: req.traceId, spanId: span.spanId, error };
    const rendered = renderLog(service, pod, line, error ? appFrames(service, span.endpoint) : []);
    const meta = metaOf(pod);
    const ts = Math.floor(at);
    const base = truthOf(span.cause, template.id);
    const truth = skew ? { ...base, skewMs: skew } : base;
    for (const text of rendered.lines) {
      const message = JSON.stringify({ time: isoNanos(at, Math.floor((at % 1) * 1000)), stream: rendered.stream, _p: 'F', log: text, kubernetes: meta.kubernetes });
      ctx.emit('cloudwatch_log', ts, service.name, { logGroupName: meta.group, logStreamName: meta.stream, logEvents: [{ timestamp: ts, message }] }, truth, req.traceId);
    }
  };

  const visit = (req: RequestSim, span: SpanSim): void => {
    const service = span.isDatastore ? undefined : services.get(span.target);
    if (service && span.pod) {
      const end = span.start + span.durationMs;
      const ms = Math.round(span.durationMs);
      if (span.failure && !isClientError(span.failure)) {
        const spec = exceptionFor(span.failure, service.language);
        const vars = failureVars(topology, service, req, span, failingChild(span));
        const text = spec.template.fill(spec.args(vars));
        const error = { type: spec.type, module: spec.module, message: text, frames: spec.frames };
        if (span.consumer) write(service, span.pod, req, span, end, 'error', APP_CONSUMER_ERROR, [span.consumer.queue, ms, text], error);
        else if (span.endpoint) write(service, span.pod, req, span, end, 'error', APP_HTTP_ERROR, [span.endpoint.method, fillPath(span.endpoint.path, req.entityId), span.status, ms, text], error);
      } else if (span.endpoint) {
        const budget = Math.round(span.endpoint.latency.medianMs * Math.exp(Z99 * span.endpoint.latency.sigma));
        if (span.durationMs > budget) write(service, span.pod, req, span, end, 'warn', APP_SLOW_REQUEST, [span.endpoint.method, fillPath(span.endpoint.path, req.entityId), ms, budget]);
      }
      if (span.consumer && req.messageAgeMs !== undefined && req.messageAgeMs > LAG_THRESHOLD_MS) {
        write(service, span.pod, req, span, span.start, 'warn', APP_MESSAGE_LAG, [span.consumer.queue, Math.round(req.messageAgeMs), LAG_THRESHOLD_MS]);
      }
    }
    for (const child of span.children) if (!child.isDatastore) visit(req, child);
  };
  for (const req of ctx.requests()) visit(req, req.root);
}
