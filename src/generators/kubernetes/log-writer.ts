// Turns LogLines into kubernetes_log records: renders the service's format, stamps the CRI time
// with the node's (possibly skewed) clock and attaches the pod metadata.
import type { StackFrame } from '@sentry/core';
import type { KubernetesLogBody, Truth } from '../../model/record.js';
import type { Service } from '../../model/topology.js';
import type { Pod } from '../../simulation/rollouts.js';
import { isoNanos } from '../../time/calendar.js';
import type { GenerationContext } from '../generator.js';
import { renderLog, type LogLine } from './log-formats.js';
import { podLogMeta } from './pod-meta.js';
import { serializeLogBody } from './log-body.js';

export class LogWriter {
  private sub = 0;

  constructor(private readonly ctx: GenerationContext) {}

  write(service: Service, pod: Pod, line: LogLine, truth: Truth, traceId?: string, appFrames?: readonly StackFrame[]): void {
    const skew = this.ctx.world.skewMs(pod.node);
    const rendered = renderLog(service, pod, line, appFrames);
    const meta = podLogMeta(pod);
    const t = Math.floor(line.t + skew);
    const finalTruth = skew !== 0 ? { ...truth, skewMs: skew } : truth;
    const micros = Math.floor(((line.t + skew) % 1) * 1000);
    for (let i = 0; i < rendered.lines.length; i++) {
      this.sub = Math.min(999, micros + i);
      const body: KubernetesLogBody = { time: isoNanos(t, this.sub), stream: rendered.stream, _p: 'F', log: rendered.lines[i]!, kubernetes: meta };
      // Continuation lines of a stack trace are lines of their own to a log shipper.
      const lineTruth = i === 0 ? finalTruth : { ...finalTruth, templateId: 'stacktrace' };
      this.ctx.emitJson('kubernetes_log', t, service.name, serializeLogBody(body), lineTruth, traceId);
    }
  }

  /** A raw line printed outside the logging framework (JVM GC log, datastore logs). */
  writeRaw(serviceName: string, pod: Pod, t: number, text: string, stream: 'stdout' | 'stderr', truth: Truth): void {
    const skew = this.ctx.world.skewMs(pod.node);
    const ts = Math.floor(t + skew);
    this.sub = (this.sub + 137) % 1000;
    const body: KubernetesLogBody = { time: isoNanos(ts, this.sub), stream, _p: 'F', log: text, kubernetes: podLogMeta(pod) };
    this.ctx.emitJson('kubernetes_log', ts, serviceName, serializeLogBody(body), skew !== 0 ? { ...truth, skewMs: skew } : truth);
  }
}
