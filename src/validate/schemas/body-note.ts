// Advisory rules: things a body may do that the real system tolerates, or that only matter in
// some setups. They are counted and shown, never fail the dataset. Examples: a CloudWatch
// namespace starting with "AWS/" (PutMetricData rejects it, yet that is how CloudWatch reports
// AWS metrics), or events.k8s.io/v1 deprecated* fields (rejected on create, served for
// events created through core/v1).

export interface NoteHit {
  /** Key path inside the body, e.g. `MetricData[0].Unit`. */
  readonly path: string;
  readonly value: unknown;
}

export interface BodyNote {
  /** What the rule says, short enough for a report line. */
  readonly rule: string;
  /** Where the rule comes from. */
  readonly source: string;
  /** Runs on a body that already passed its schema. */
  check(body: never): NoteHit | undefined;
}

/** Declares a note for a body type (keeps `check` typed where it is written). */
export function note<B>(rule: string, source: string, check: (body: B) => NoteHit | undefined): BodyNote {
  return { rule, source, check: check as (body: never) => NoteHit | undefined };
}
