// The exception of a failing span as the service's SDK reports it: the language's exception
// type and message (from the shared exception table), filled with what the request touched,
// and a stack trace of framework, app and library frames, outermost first.
import type { Exception, Mechanism, StackFrame } from '@sentry/core';
import type { Topology } from '../../model/topology.js';
import type { FailureClass } from '../../simulation/failures.js';
import type { RequestSim, SpanSim } from '../../simulation/requests.js';
import { appFrames } from '../code/code-map.js';
import { exceptionFor } from '../code/exceptions.js';
import { failureVars } from '../code/failure-vars.js';
import type { ServiceProfile } from './profile.js';

export interface ReportedException {
  readonly exception: Exception;
  readonly templateId: string;
}



const FRAMES = new WeakMap<ServiceProfile, Map<string, StackFrame[]>>();

function framesFor(profile: ServiceProfile, span: SpanSim, failure: FailureClass, library: readonly StackFrame[]): StackFrame[] {
  let byKey = FRAMES.get(profile);
  if (!byKey) FRAMES.set(profile, (byKey = new Map()));
  const key = `${span.operation}|${failure}`;
  let frames = byKey.get(key);
  if (!frames) {
    // Consumers run outside the web framework: no framework frames above the handler.
    const outer = span.consumer ? [] : profile.frameworkFrames;
    frames = [...outer, ...appFrames(profile.service, span.endpoint), ...library];
    byKey.set(key, frames);
  }
  return frames;
}

const GO_PANIC: Mechanism = { type: 'generic', handled: false };

function mechanismFor(profile: ServiceProfile, span: SpanSim, failure: FailureClass): Mechanism {
  if (span.consumer) return profile.captured;
  // A nil dereference or allocation failure in Go panics; the sentryhttp handler recovers it.
  if (profile.platform === 'go' && (failure === 'null_reference' || failure === 'out_of_memory')) return GO_PANIC;
  return profile.unhandled;
}

/** The exception a failing span reports. */
export function reportedException(topology: Topology, profile: ServiceProfile, req: RequestSim, span: SpanSim, child: SpanSim | undefined): ReportedException {
  const failure = span.failure!;
  const spec = exceptionFor(failure, profile.service.language);
  const value = spec.template.fill(spec.args(failureVars(topology, profile.service, req, span, child)));
  const exception: Exception = spec.module
    ? { type: spec.type, value, module: spec.module, mechanism: mechanismFor(profile, span, failure), stacktrace: { frames: framesFor(profile, span, failure, spec.frames) } }
    : { type: spec.type, value, mechanism: mechanismFor(profile, span, failure), stacktrace: { frames: framesFor(profile, span, failure, spec.frames) } };
  return { exception, templateId: spec.template.id };
}
