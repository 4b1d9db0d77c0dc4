// A YAML file checked against a zod schema, with every problem located (file, line:column, key
// path) and explained (the bad value, what is allowed). Shared by config/ and the sinks file.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { formatPath, showValue, type Problem } from './errors.js';

/** How a file is named in messages: relative to the working directory when that is shorter. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && rel.length < path.length ? rel : path;
}

/** A parsed YAML file that can say where a key path is. */
export class SourceFile {
  constructor(
    readonly path: string,
    private readonly doc: Document.Parsed | undefined,
    private readonly lines: LineCounter,
  ) {}

  locate(path: readonly PropertyKey[], key?: string): { line?: number; column?: number } {
    if (!this.doc) return {};
    let node: unknown = path.length === 0 ? this.doc.contents : this.doc.getIn(path as unknown[], true);
    // Walk up to the nearest parent that exists (a missing key is reported at its parent).
    for (let n = path.length - 1; node === undefined && n >= 0; n--) {
      node = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n) as unknown[], true);
    }
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (pair && isScalar(pair.key)) node = pair.key;
    }
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (!range) return {};
    const pos = this.lines.linePos(range[0]);
    return { line: pos.line, column: pos.col };
  }

  problem(path: readonly PropertyKey[], message: string, key?: string): Problem {
    return { file: this.path, ...this.locate(path, key), path: formatPath(key ? [...path, key] : path), message };
  }
}

const MAX_SYNTAX_ERRORS = 3;

export interface Parsed<T> {
  value?: T;
  source: SourceFile;
}

/** Parses a YAML file against a schema, adding every problem (with its position) to `problems`. */
export function parseYamlFile<T>(path: string, schema: z.ZodType<T>, problems: Problem[]): Parsed<T> {
  const lines = new LineCounter();
  if (!existsSync(path)) {
    problems.push({ file: path, message: 'file not found' });
    return { source: new SourceFile(path, undefined, lines) };
  }
  const text = readFileSync(path, 'utf8');
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const source = new SourceFile(path, doc, lines);
  if (doc.errors.length > 0) {
    // One syntax error tends to cascade into many; the first few locate it.
    for (const err of doc.errors.slice(0, MAX_SYNTAX_ERRORS)) {
      const pos = err.linePos?.[0];
      const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      problems.push({ file: path, line: pos?.line, column: pos?.col, message: `YAML syntax: ${message}` });
    }
    if (doc.errors.length > MAX_SYNTAX_ERRORS) {
      problems.push({ file: path, message: `YAML syntax: ${doc.errors.length - MAX_SYNTAX_ERRORS} more error(s) after these` });
    }
    return { source };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  const result = schema.safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(...describeIssue(issue, data, schema, source));
    return { source };
  }
  return { value: result.data, source };
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

type AnyDef = { type: string; shape?: Record<string, { _zod: { def: AnyDef } }>; innerType?: { _zod: { def: AnyDef } }; element?: { _zod: { def: AnyDef } }; valueType?: { _zod: { def: AnyDef } }; keyType?: { _zod: { def: AnyDef } }; in?: { _zod: { def: AnyDef } }; entries?: Record<string, string>; items?: { _zod: { def: AnyDef } }[] };

/** The keys a strict object at `path` allows (walking the schema like the data). */
export function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let def = (schema as unknown as { _zod: { def: AnyDef } })._zod.def;
  const unwrap = (d: AnyDef): AnyDef => {
    let cur = d;
    for (let i = 0; i < 10; i++) {
      if ((cur.type === 'optional' || cur.type === 'default' || cur.type === 'nullable' || cur.type === 'prefault') && cur.innerType) cur = cur.innerType._zod.def;
      else if (cur.type === 'pipe' && cur.in) cur = cur.in._zod.def;
      else break;
    }
    return cur;
  };
  def = unwrap(def);
  for (const key of path) {
    if (def.type === 'object' && def.shape && typeof key === 'string' && def.shape[key]) def = unwrap(def.shape[key]._zod.def);
    else if (def.type === 'array' && def.element) def = unwrap(def.element._zod.def);
    else if (def.type === 'record' && def.valueType) def = unwrap(def.valueType._zod.def);
    else if (def.type === 'tuple' && def.items && typeof key === 'number' && def.items[key]) def = unwrap(def.items[key]._zod.def);
    else return [];
  }
  if (def.type === 'object' && def.shape) return Object.keys(def.shape);
  if (def.type === 'record' && def.keyType) {
    const k = unwrap(def.keyType._zod.def);
    if (k.type === 'enum' && k.entries) return Object.values(k.entries);
  }
  return [];
}

export function describeIssue(issue: z.core.$ZodIssue, data: unknown, schema: z.ZodType, source: SourceFile): Problem[] {
  const path = issue.path as PropertyKey[];
  const value = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(schema, path);
      return issue.keys.map((key) =>
        source.problem(path, `unknown key "${key}"${allowed.length ? `; allowed: ${allowed.join(' | ')}` : ''}`, key),
      );
    }
    case 'invalid_value':
      if (value === undefined) return [source.problem(path, `is required; allowed: ${issue.values.map((v) => String(v)).join(' | ')}`)];
      return [
        source.problem(path, `${showValue(value)} is not allowed; allowed: ${issue.values.map((v) => String(v)).join(' | ')}`),
      ];
    case 'invalid_type':
      if (value === undefined) return [source.problem(path, `is required (expected ${issue.expected})`)];
      return [source.problem(path, `${showValue(value)} is not a ${issue.expected}`)];
    case 'too_small': {
      const op = issue.inclusive === false ? '>' : '>=';
      const what = issue.origin === 'array' ? `at least ${String(issue.minimum)} item(s)` : `${op} ${String(issue.minimum)}`;
      return [source.problem(path, `${showValue(value)} is too small; must be ${what}`)];
    }
    case 'too_big': {
      const op = issue.inclusive === false ? '<' : '<=';
      const what = issue.origin === 'array' ? `at most ${String(issue.maximum)} item(s)` : `${op} ${String(issue.maximum)}`;
      return [source.problem(path, `${showValue(value)} is too big; must be ${what}`)];
    }
    case 'invalid_key':
      return [source.problem(path, `key ${showValue(value)} is not allowed`)];
    default:
      return [source.problem(path, `${showValue(value)} is invalid: ${issue.message}`)];
  }
}

