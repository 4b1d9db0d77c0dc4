// Which entries Loki refused, read from its 400 answer. Loki keeps the valid entries of a push
// and names the refused ones in the body (learned from its sources):
// - the distributor's validation, "; "-joined (and "N errors like: " when repeated):
//     entry for stream '{...}' has timestamp too old: <RFC3339>, oldest acceptable timestamp is: <RFC3339>
//     entry for stream '{...}' has timestamp too new: <RFC3339>
//     Max entry size '<n>' bytes exceeded for stream '{...}' while adding an entry with length '<n>' bytes
//     stream '{...}' includes structured metadata, but this feature is disallowed. ...
//     stream '{...}' has label name too long / label value too long / duplicate label name ...
//     entry for stream '{...}' has <n> label names; limit <n>
// - the ingester's per-stream out-of-order answer (at most max_returned_stream_errors lines):
//     entry with timestamp <Go time> ignored, reason: 'entry too far behind, entry timestamp is: <RFC3339>,
//       oldest acceptable timestamp is: <RFC3339>',
//     user '<tenant>', total ignored: <n> out of <m> for stream: {...}
// Stream names carry Loki's own additions (service_name), so a stream matches when all of our
// labels are in it (the most specific of ours wins). Reasons are kept short and without
// per-entry detail so the replay report can count them.
import { parseLabelsString } from '../wire/label-names.js';
import type { Rejection } from '../sink.js';
import { compareEntries, type LokiEntry, type LokiStream } from './entries.js';

export interface ParsedRejections {
  readonly rejected: Rejection[];
  /** Statements about refused entries that could not be tied to entries we sent. */
  readonly unmatched: string[];
}

const REASON = {
  tooOld: 'loki: greater_than_max_sample_age (timestamp older than reject_old_samples_max_age)',
  tooNew: 'loki: too_far_in_future (timestamp newer than creation_grace_period)',
  tooFarBehind: "loki: too_far_behind (older than the stream's out-of-order window)",
  outOfOrder: 'loki: out_of_order (older than the newest entry of the stream)',
  lineTooLong: 'loki: line_too_long (max_line_size exceeded)',
  metadataDisallowed: 'loki: disallowed_structured_metadata (set structured_metadata: false for this Loki)',
  invalidLabels: 'loki: invalid stream labels',
} as const;

function findStream(streams: readonly LokiStream[], labelText: string): LokiStream | undefined {
  const named = parseLabelsString(labelText);
  let best: LokiStream | undefined;
  for (const s of streams) {
    if (best && s.labels.length <= best.labels.length) continue;
    if (s.labels.every(([k, v]) => named.get(k) === v)) best = s;
  }
  return best;
}

/** "2024-05-02 10:00:00.123456789 +0000 UTC" (Go's time.Time.String) as [seconds, nanos]. */
export function parseGoTime(text: string): [number, number] | undefined {
  const m = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))? ([+-])(\d{2})(\d{2})/.exec(text);
  if (!m) return undefined;
  const base = Date.parse(`${m[1]}T${m[2]}Z`);
  if (!Number.isFinite(base)) return undefined;
  const offset = (m[4] === '-' ? -1 : 1) * (Number(m[5]) * 3600 + Number(m[6]) * 60);
  return [base / 1000 - offset, m[3] ? Number(m[3].padEnd(9, '0')) : 0];
}

/** An RFC 3339 time (Loki prints them to the second) as [seconds, nanos]. */
function parseRfc3339(text: string): [number, number] | undefined {
  const ms = Date.parse(text.trim());
  if (!Number.isFinite(ms)) return undefined;
  const frac = /\.(\d{1,9})/.exec(text);
  return [Math.floor(ms / 1000), frac ? Number(frac[1]!.padEnd(9, '0')) : 0];
}

const isBefore = (e: LokiEntry, [s, n]: [number, number]) => e.seconds < s || (e.seconds === s && e.nanos < n);

/** The entries Loki's 400 body names, with a reason each (per record: the first reason wins). */
export function parseLokiRejections(body: string, streams: readonly LokiStream[]): ParsedRejections {
  const bySeq = new Map<number, string>();
  const unmatched: string[] = [];
  const reject = (entries: Iterable<LokiEntry>, reason: string): number => {
    let n = 0;
    for (const e of entries) {
      if (!bySeq.has(e.seq)) bySeq.set(e.seq, reason);
      n++;
    }
    return n;
  };
  const inSecond = (s: LokiStream, at: [number, number] | undefined) => (at ? s.entries.filter((e) => e.seconds === at[0]) : []);

  // Distributor validation.
  const stale = /entry for stream '(\{.*?\})' has timestamp too (old|new): ([^,\s;]+)/g;
  for (let m = stale.exec(body); m; m = stale.exec(body)) {
    const s = findStream(streams, m[1]!);
    const hit = s ? reject(inSecond(s, parseRfc3339(m[3]!)), m[2] === 'old' ? REASON.tooOld : REASON.tooNew) : 0;
    if (hit === 0) unmatched.push(m[0]);
  }
  const tooLong = /Max entry size '(\d+)' bytes exceeded for stream '(\{.*?\})' while adding an entry with length '(\d+)' bytes/g;
  for (let m = tooLong.exec(body); m; m = tooLong.exec(body)) {
    const s = findStream(streams, m[2]!);
    const length = Number(m[3]);
    const hit = s ? reject(s.entries.filter((e) => Buffer.byteLength(e.line) === length), REASON.lineTooLong) : 0;
    if (hit === 0) unmatched.push(m[0]);
  }
  const disallowed = /stream '(\{.*?\})' includes structured metadata, but this feature is disallowed/g;
  for (let m = disallowed.exec(body); m; m = disallowed.exec(body)) {
    const s = findStream(streams, m[1]!);
    const hit = s ? reject(s.entries.filter((e) => e.metadata.length > 0), REASON.metadataDisallowed) : 0;
    if (hit === 0) unmatched.push(m[0]);
  }
  const badLabels = /(?:stream '(\{.*?\})' has (?:label name too long|label value too long|duplicate label name)|entry for stream '(\{.*?\})' has \d+ label names; limit|Error parsing labels '(\{.*?\})' with error)/g;
  for (let m = badLabels.exec(body); m; m = badLabels.exec(body)) {
    const s = findStream(streams, (m[1] ?? m[2] ?? m[3])!);
    const hit = s ? reject(s.entries, REASON.invalidLabels) : 0;
    if (hit === 0) unmatched.push(m[0]);
  }

  // Ingester out-of-order answers: listed entries, then a "total ignored" line per stream.
  const listed = /entry with timestamp (.+?) ignored, reason: '(.*?)'(?: for stream: (\{.*?\}))?,\s*\n/g;
  const total = /total ignored: (\d+) out of (\d+)(?: for stream: (\{.*?\}))?(?=\s*$|\s*\n|,)/g;
  interface Pending {
    at: [number, number] | undefined;
    reason: string;
    cutoff: [number, number] | undefined;
    stream?: string;
    index: number;
  }
  const pending: Pending[] = [];
  for (let m = listed.exec(body); m; m = listed.exec(body)) {
    const cutoff = /oldest acceptable timestamp is: (\S+)/.exec(m[2]!);
    pending.push({
      at: parseGoTime(m[1]!),
      reason: /too far behind/.test(m[2]!) ? REASON.tooFarBehind : /out of order/.test(m[2]!) ? REASON.outOfOrder : `loki: ${m[2]!.split(',')[0]}`,
      cutoff: cutoff ? parseRfc3339(cutoff[1]!) : undefined,
      stream: m[3],
      index: m.index,
    });
  }
  let from = 0;
  for (let m = total.exec(body); m; m = total.exec(body)) {
    const mine = pending.filter((p) => p.index >= from && p.index < m!.index);
    from = m.index + m[0].length;
    const streamText = m[3] ?? mine.find((p) => p.stream)?.stream;
    const s = streamText ? findStream(streams, streamText) : undefined;
    if (!s) {
      unmatched.push(m[0]);
      continue;
    }
    const ignored = Number(m[1]);
    const chosen = new Set<LokiEntry>();
    for (const p of mine) {
      if (!p.at) continue;
      for (const e of s.entries) if (e.seconds === p.at[0] && e.nanos === p.at[1]) chosen.add(e);
    }
    // Loki lists at most max_returned_stream_errors entries: the cutoff tells the rest.
    const cutoff = mine.find((p) => p.cutoff)?.cutoff;
    if (chosen.size < ignored && cutoff) {
      for (const e of s.entries) if (isBefore(e, cutoff)) chosen.add(e);
      // The cutoff is printed to the second: the rest are within that second, oldest first.
      const edge = s.entries.filter((e) => !chosen.has(e) && e.seconds === cutoff[0]).sort(compareEntries);
      for (const e of edge) {
        if (chosen.size >= ignored) break;
        chosen.add(e);
      }
    }
    const reason = mine[0]?.reason ?? REASON.tooFarBehind;
    reject(chosen, reason);
    if (chosen.size < ignored) unmatched.push(`${ignored - chosen.size} more entries of ${s.key} were ignored (not named by Loki)`);
  }

  return { rejected: [...bySeq].map(([seq, reason]) => ({ seq, reason })), unmatched };
}
