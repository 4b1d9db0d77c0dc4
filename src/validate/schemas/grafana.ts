// Grafana bodies: a panel series sample as Prometheus' query API returns an instant-vector
// element, and an annotation as POST /api/annotations takes it. Sources: Prometheus data model
// (metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*, "__" reserved),
// the HTTP API's vector result format ([<unix seconds>, "<value>"], values formatted as Go
// floats incl. NaN / +Inf / -Inf), Grafana's annotations HTTP API (PostAnnotationsCmd: text
// required and non-empty; time/timeEnd epoch ms; tags strings; dashboardUID; panelId).
import { z } from 'zod';
import { epochMillis, unixSeconds } from './rules.js';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** strconv.FormatFloat(v, 'f', -1, 64) output, plus the special values Prometheus prints. */
const SAMPLE_VALUE = /^(-?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?|NaN|\+Inf|-Inf)$/;

export const grafanaSeriesBody = z.strictObject({
  metric: z
    .record(z.string(), z.string())
    .superRefine((m, ctx) => {
      const name = m.__name__;
      if (name === undefined) ctx.addIssue({ code: 'custom', path: ['__name__'], input: undefined, message: 'is required (the metric name)' });
      else if (!METRIC_NAME.test(name)) ctx.addIssue({ code: 'custom', path: ['__name__'], input: name, message: 'must match [a-zA-Z_:][a-zA-Z0-9_:]* (Prometheus metric name)' });
      for (const [key, value] of Object.entries(m)) {
        if (key === '__name__') continue;
        if (!LABEL_NAME.test(key)) ctx.addIssue({ code: 'custom', path: [key], input: key, message: 'is not a label name [a-zA-Z_][a-zA-Z0-9_]* (Prometheus)' });
        else if (key.startsWith('__')) ctx.addIssue({ code: 'custom', path: [key], input: key, message: 'starts with "__", reserved for internal use (Prometheus)' });
        // An empty label value is the same as no label; query results never carry one.
        if (value === '') ctx.addIssue({ code: 'custom', path: [key], input: value, message: 'is empty (Prometheus drops empty label values)' });
      }
    }),
  value: z.tuple([
    // Prometheus sample times have millisecond precision.
    unixSeconds.refine((t) => Math.abs(t * 1000 - Math.round(t * 1000)) < 1e-3, 'must have at most millisecond precision'),
    z.string().regex(SAMPLE_VALUE, 'must be a float as Prometheus prints it ("1.5", "NaN", "+Inf")'),
  ]),
});

/** Grafana util.IsValidShortUID: [a-zA-Z0-9-_], at most 40 characters. */
const uid = z.string().min(1).max(40).regex(/^[a-zA-Z0-9\-_]+$/, 'must be a Grafana UID (a-z A-Z 0-9 - _)');

export const grafanaAnnotationBody = z
  .strictObject({
    dashboardUID: uid.optional(),
    // Deprecated by dashboardUID, still accepted.
    dashboardId: z.number().int().nonnegative().optional(),
    panelId: z.number().int().nonnegative().optional(),
    time: epochMillis,
    timeEnd: epochMillis.optional(),
    tags: z.array(z.string().min(1, 'is an empty tag')),
    // PostAnnotation: "Text field should not be empty".
    text: z.string().regex(/\S/, 'must not be empty (Grafana rejects an annotation without text)'),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((a, ctx) => {
    // A region annotation spans [time, timeEnd].
    if (a.timeEnd !== undefined && a.timeEnd < a.time) ctx.addIssue({ code: 'custom', path: ['timeEnd'], input: a.timeEnd, message: `is before time ${a.time}` });
  });
