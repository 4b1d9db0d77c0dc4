// The fictional source code behind each service: package names, handlers and the layers a
// request goes through, named the way each language names them. Stack frames, logger names and
// klog file:line headers come from here, so they stay stable for a given service and endpoint.
import type { StackFrame } from '@sentry/core';
import type { Endpoint, Service } from '../../model/topology.js';
import { hashString } from '../../random/rng.js';

export type Language = Service['language'];

const camel = (words: string[]): string => words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
const pascal = (words: string[]): string => words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
const snake = (words: string[]): string => words.join('_');

/** "order-service" -> "order"; "api-gateway" -> "gateway". */
export function entityOf(service: string): string {
  const base = service.replace(/-service$/, '');
  return base.includes('-') ? base.split('-').pop()! : base;
}

/** Words naming the handler of an endpoint: GET /orders/{id} -> [get, order]. */
export function handlerWords(endpoint: Pick<Endpoint, 'method' | 'path'>): string[] {
  const segments = endpoint.path.split('/').filter((s) => s && s !== 'api');
  const statics = segments.filter((s) => !s.startsWith('{'));
  const last = statics[statics.length - 1] ?? 'root';
  const singular = (w: string) => (w.endsWith('ies') ? `${w.slice(0, -3)}y` : w.endsWith('s') ? w.slice(0, -1) : w);
  const lastIsParam = segments[segments.length - 1]?.startsWith('{') ?? false;
  const word = last.replace(/[^a-z0-9]/gi, '');
  if (endpoint.method === 'GET') return lastIsParam ? ['get', singular(word)] : word === 'me' ? ['get', 'current', 'user'] : ['list', word];
  if (endpoint.method === 'POST') return statics.length > 1 && segments.length > statics.length ? [word] : ['create', singular(word)];
  if (endpoint.method === 'DELETE') return ['delete', singular(word)];
  return ['update', singular(word)];
}

/** Deterministic line number for a (file, function) pair. */
function lineOf(...parts: string[]): number {
  return 20 + (hashString(parts.join('#')) % 380);
}

export interface CodeLayer {
  /** Logger / module name used in log lines. */
  readonly logger: string;
  readonly frame: StackFrame;
}

/** The app's own frames for a request to `endpoint`, outermost first (Sentry order). */
export function appFrames(service: Service, endpoint: Pick<Endpoint, 'method' | 'path'> | undefined, action?: string): StackFrame[] {
  const entity = entityOf(service.name);
  const words = endpoint ? handlerWords(endpoint) : [action ?? 'handle', 'message'];
  const handler = handlerLayer(service, words);
  const svc = serviceLayer(service, entity, words);
  return [handler.frame, svc.frame];
}

export function handlerLayer(service: Service, words: string[]): CodeLayer {
  const entity = entityOf(service.name);
  switch (service.language) {
    case 'java': {
      const module = `com.shop.${entity}.web.${pascal([entity])}Controller`;
      const fn = camel(words);
      return { logger: module, frame: { module, function: fn, filename: `${pascal([entity])}Controller.java`, lineno: lineOf(module, fn), in_app: true } };
    }
    case 'python': {
      const module = `${entity}s.views`;
      const fn = snake(words);
      return { logger: module, frame: { module, function: fn, filename: `${entity}s/views.py`, abs_path: `/app/${entity}s/views.py`, lineno: lineOf(module, fn), in_app: true } };
    }
    case 'node': {
      const file = `dist/routes/${entity}s.js`;
      const fn = camel([...words, 'handler']);
      return { logger: `${entity}s`, frame: { filename: `/app/${file}`, abs_path: `/app/${file}`, module: `routes:${entity}s`, function: fn, lineno: lineOf(file, fn), colno: 17, in_app: true } };
    }
    case 'go': {
      const pkg = `github.com/shop/${service.name}/internal/http`;
      const fn = `(*Handler).${pascal(words)}`;
      return { logger: 'http', frame: { module: pkg, function: fn, filename: 'internal/http/handler.go', abs_path: `/src/${service.name}/internal/http/handler.go`, lineno: lineOf(pkg, fn), in_app: true } };
    }
  }
}

export function serviceLayer(service: Service, entity: string, words: string[]): CodeLayer {
  switch (service.language) {
    case 'java': {
      const module = `com.shop.${entity}.service.${pascal([entity])}Service`;
      const fn = camel(words);
      return { logger: module, frame: { module, function: fn, filename: `${pascal([entity])}Service.java`, lineno: lineOf(module, fn), in_app: true } };
    }
    case 'python': {
      const module = `${entity}s.services`;
      const fn = snake(words);
      return { logger: module, frame: { module, function: fn, filename: `${entity}s/services.py`, abs_path: `/app/${entity}s/services.py`, lineno: lineOf(module, fn), in_app: true } };
    }
    case 'node': {
      const file = `dist/services/${entity}-service.js`;
      const fn = camel(words);
      return { logger: `${entity}-service`, frame: { filename: `/app/${file}`, abs_path: `/app/${file}`, module: `services:${entity}-service`, function: `${pascal([entity])}Service.${fn}`, lineno: lineOf(file, fn), colno: 23, in_app: true } };
    }
    case 'go': {
      const pkg = `github.com/shop/${service.name}/internal/${entity}`;
      const fn = `(*Service).${pascal(words)}`;
      return { logger: entity, frame: { module: pkg, function: fn, filename: `internal/${entity}/service.go`, abs_path: `/src/${service.name}/internal/${entity}/service.go`, lineno: lineOf(pkg, fn), in_app: true } };
    }
  }
}

/** "file.go:123" for klog headers. */
export function klogSource(frame: StackFrame): string {
  const file = (frame.filename ?? 'main.go').split('/').pop();
  return `${file}:${frame.lineno ?? 1}`;
}
