// A container log record's body as JSON, fast: the pod metadata is the same on every line of a
// pod, so it is serialised once. The bytes equal JSON.stringify's for the same object.
import type { KubernetesLogBody } from '../../model/record.js';

const metaJson = new WeakMap<object, string>();

export function serializeLogBody(b: KubernetesLogBody): string {
  let meta = metaJson.get(b.kubernetes);
  if (meta === undefined) {
    meta = JSON.stringify(b.kubernetes);
    metaJson.set(b.kubernetes, meta);
  }
  return `{"time":"${b.time}","stream":"${b.stream}","_p":"${b._p}","log":${JSON.stringify(b.log)},"kubernetes":${meta}}`;
}

