#!/usr/bin/env node
// Spotlight (Sentry's local receiver, npm @spotlightjs/spotlight) as a child process for the
// tests: started by startSpotlight() in test/support/backends.ts, never by hand.
//
//   node test/backends/spotlight-server.mjs --port <port> --capture <file.jsonl>
//
// Spotlight itself listens on a private loopback port; this script puts a small front server on
// --port that records every envelope POST (/api/<project>/envelope/ and /stream) in the capture
// file (one JSON line per request: path, project, headers, decompressed body in base64),
// appended before the answer is sent, then hands the request to Spotlight. Why:
// - SDKs sending through a DSN (e.g. @sentry/node's transport) set no Content-Type; Sentry's
//   ingestion accepts that, but Spotlight then drops the payload from its buffer and its
//   /stream feed ("No content type, skipping payload"). The front server forwards such a
//   request as application/x-sentry-envelope, as Sentry would treat it, so Spotlight's own
//   feed shows it too.
// - Spotlight's incoming-payload callback gets the body only, without the request path, so the
//   project a DSN pointed at would be lost.
// Everything else (GET /stream, GET /health, DELETE /clear, ...) is passed through untouched.
// Spotlight is started from code (setupSpotlight), not with its CLI, which reports its own
// telemetry to Sentry's service.
import { appendFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { parseArgs } from 'node:util';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { setupSpotlight } from '@spotlightjs/spotlight';

const { values } = parseArgs({
  options: { port: { type: 'string' }, capture: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } },
});
const port = Number(values.port);
const captureFile = values.capture;
if (!Number.isInteger(port) || port <= 0 || !captureFile) {
  console.error('usage: spotlight-server.mjs --port <port> --capture <file.jsonl> [--host 127.0.0.1]');
  process.exit(2);
}

const log = (level) => (message) => console.log(`${new Date().toISOString()} spotlight ${level}: ${String(message)}`);
// Port 0: Spotlight picks a free private port; only the front server's port is published.
const spotlight = await setupSpotlight({
  port: 0,
  isStandalone: true,
  logger: { info: log('info'), warn: log('warn'), error: log('error'), debug: () => {} },
});
if (!spotlight) throw new Error('setupSpotlight returned no server');
const spotlightAddress = spotlight.address();
if (spotlightAddress === null || typeof spotlightAddress === 'string') throw new Error('cannot read the Spotlight port');
const spotlightPort = spotlightAddress.port;

const ENVELOPE_PATH = /^\/(?:stream|api\/([^/]+)\/envelope\/?)$/;
const decompress = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

const front = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://front');
  const match = req.method === 'POST' ? ENVELOPE_PATH.exec(url.pathname) : null;
  if (!match) {
    passThrough(req, res);
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('error', (error) => fail(res, 400, `request stream: ${error.message}`));
  req.on('end', () => {
    const encoding = req.headers['content-encoding']?.trim().toLowerCase();
    let body = Buffer.concat(chunks);
    if (encoding && encoding !== 'identity') {
      const inflate = decompress[encoding];
      if (!inflate) return fail(res, 415, `unsupported content-encoding ${encoding}`);
      try {
        body = inflate(body);
      } catch (error) {
        return fail(res, 400, `cannot decode the ${encoding} body: ${error.message}`);
      }
    }
    const contentType = req.headers['content-type'];
    appendFileSync(
      captureFile,
      `${JSON.stringify({
        receivedAtMs: Date.now(),
        path: url.pathname,
        project: match[1] ?? null,
        query: Object.fromEntries(url.searchParams),
        contentType: contentType ?? null,
        contentEncoding: encoding ?? null,
        userAgent: req.headers['user-agent'] ?? null,
        sentryAuth: req.headers['x-sentry-auth'] ?? null,
        body: body.toString('base64'),
      })}\n`,
    );
    const headers = { ...req.headers, 'content-type': contentType ?? 'application/x-sentry-envelope', 'content-length': String(body.length) };
    delete headers['content-encoding'];
    delete headers['transfer-encoding'];
    const upstream = request({ host: '127.0.0.1', port: spotlightPort, method: 'POST', path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => fail(res, 502, `spotlight: ${error.message}`));
    upstream.end(body);
  });
});

function passThrough(req, res) {
  const upstream = request(
    { host: '127.0.0.1', port: spotlightPort, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (error) => fail(res, 502, `spotlight: ${error.message}`));
  res.on('close', () => upstream.destroy()); // an SSE client went away
  req.pipe(upstream);
}

function fail(res, status, message) {
  log('error')(message);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(`${message}\n`);
}

front.on('error', (error) => {
  // 'address already in use' in server.log lets the launcher retry on another port.
  console.error(`front server on ${values.host}:${port}: ${error.message}`);
  process.exit(1);
});
front.listen(port, values.host, () => {
  log('info')(`front server on http://${values.host}:${port}, Spotlight on 127.0.0.1:${spotlightPort}, capture file ${captureFile}`);
});

// setupSpotlight installs its own SIGTERM/SIGINT handlers that only close its server.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
