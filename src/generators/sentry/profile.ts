// What each service's Sentry SDK stamps on every event: platform, SDK name and version, the
// runtime and OS contexts, how it captures unhandled errors, and the framework frames that sit
// above the app's own code. Built once per service (these never change during a run).
import type { Mechanism, SdkInfo, StackFrame } from '@sentry/core';
import type { Service } from '../../model/topology.js';

export type Platform = 'java' | 'python' | 'node' | 'go';

export interface ServiceProfile {
  readonly service: Service;
  readonly platform: Platform;
  readonly environment: string;
  readonly sdk: SdkInfo;
  readonly runtime: Record<string, string>;
  readonly os: Record<string, string>;
  /** Mechanism of an error that escaped the handler (the framework integration caught it). */
  readonly unhandled: Mechanism;
  /** Mechanism of an error the app captured itself (consumers, Go handlers returning errors). */
  readonly captured: Mechanism;
  /** Framework frames above the handler, outermost first. */
  readonly frameworkFrames: readonly StackFrame[];
  /** User-Agent of the service's HTTP client, seen by the services it calls. */
  readonly clientUserAgent: string;
  /** Placeholder style of the service's SQL driver. */
  readonly sqlParam: (n: number) => string;
}

// Versions current for the simulated period (late 2026).
const JAVA_SDK = '8.63.0';
const PYTHON_SDK = '2.75.0';
const NODE_SDK = '11.12.0';
const NESTJS_SDK = '10.75.3';
const GO_SDK = '0.46.2';
/** EKS optimised Amazon Linux 2023 AMI kernel. */
const KERNEL = '6.1.115-126.197.amzn2023.x86_64';

const lib = (module: string, fn: string, filename: string, lineno: number): StackFrame => ({ module, function: fn, filename, lineno, in_app: false });
const nodeLib = (file: string, fn: string, lineno: number, colno: number): StackFrame => ({ filename: file, abs_path: file, function: fn, lineno, colno, in_app: false });

const FRAMEWORK_FRAMES: Readonly<Record<string, readonly StackFrame[]>> = {
  spring: [
    lib('org.springframework.web.servlet.DispatcherServlet', 'doDispatch', 'DispatcherServlet.java', 1089),
    lib('org.springframework.web.method.support.InvocableHandlerMethod', 'doInvoke', 'InvocableHandlerMethod.java', 255),
  ],
  django: [
    lib('django.core.handlers.exception', 'inner', 'django/core/handlers/exception.py', 55),
    lib('django.core.handlers.base', '_get_response', 'django/core/handlers/base.py', 197),
  ],
  fastapi: [
    lib('starlette.routing', 'app', 'starlette/routing.py', 73),
    lib('fastapi.routing', 'run_endpoint_function', 'fastapi/routing.py', 212),
  ],
  fastify: [nodeLib('/app/node_modules/fastify/lib/handleRequest.js', 'preHandlerCallback', 139, 37), nodeLib('/app/node_modules/fastify/lib/wrapThenable.js', 'wrapThenable', 26, 22)],
  nestjs: [
    nodeLib('/app/node_modules/@nestjs/core/router/router-proxy.js', 'RouterProxy.handle', 9, 23),
    nodeLib('/app/node_modules/@nestjs/core/router/router-execution-context.js', 'RouterExecutionContext.create', 46, 28),
  ],
  chi: [lib('net/http', 'HandlerFunc.ServeHTTP', 'net/http/server.go', 2220), lib('github.com/go-chi/chi/v5', '(*Mux).routeHTTP', 'chi/v5/mux.go', 459)],
  'grpc-gateway': [
    lib('net/http', 'HandlerFunc.ServeHTTP', 'net/http/server.go', 2220),
    lib('github.com/grpc-ecosystem/grpc-gateway/v2/runtime', '(*ServeMux).ServeHTTP', 'runtime/mux.go', 471),
  ],
};

/** "openjdk-21.0.5" -> "21.0.5", "cpython3.12.7" -> "3.12.7", "go1.23.4" -> "go1.23.4". */
function runtimeVersion(runtime: string): string {
  const dash = runtime.lastIndexOf('-');
  if (dash >= 0) return runtime.slice(dash + 1);
  if (runtime.startsWith('cpython')) return runtime.slice('cpython'.length);
  return runtime;
}

function frameworkKey(framework: string): string {
  if (framework.startsWith('spring')) return 'spring';
  return framework in FRAMEWORK_FRAMES ? framework : '';
}

function build(service: Service, environment: string): ServiceProfile {
  const { runtime, framework } = service.config;
  const version = runtimeVersion(runtime);
  const frameworkFrames = FRAMEWORK_FRAMES[frameworkKey(framework)] ?? [];
  switch (service.language) {
    case 'java':
      return {
        service,
        platform: 'java',
        environment,
        sdk: { name: 'sentry.java.spring-boot.jakarta', version: JAVA_SDK, packages: [{ name: 'maven:io.sentry:sentry-spring-boot-jakarta', version: JAVA_SDK }] },
        runtime: { name: 'Eclipse Adoptium', version },
        os: { name: 'Linux', version: KERNEL },
        unhandled: { type: 'Spring6ExceptionResolver', handled: false },
        captured: { type: 'generic', handled: true },
        frameworkFrames,
        clientUserAgent: `Java-http-client/${version}`,
        sqlParam: () => '?',
      };
    case 'python': {
      const fastapi = framework === 'fastapi';
      return {
        service,
        platform: 'python',
        environment,
        sdk: { name: `sentry.python.${fastapi ? 'fastapi' : 'django'}`, version: PYTHON_SDK, packages: [{ name: 'pypi:sentry-sdk', version: PYTHON_SDK }] },
        runtime: { name: 'CPython', version, build: `${version} (main, Nov 12 2024, 02:03:38) [GCC 12.2.0]` },
        os: { name: 'Linux', kernel_version: KERNEL },
        unhandled: { type: fastapi ? 'starlette' : 'django', handled: false },
        captured: { type: 'generic', handled: true },
        frameworkFrames,
        clientUserAgent: 'python-httpx/0.28.1',
        sqlParam: () => '%s',
      };
    }
    case 'node': {
      const nest = framework === 'nestjs';
      const sdkVersion = nest ? NESTJS_SDK : NODE_SDK;
      return {
        service,
        platform: 'node',
        environment,
        sdk: {
          name: nest ? 'sentry.javascript.nestjs' : 'sentry.javascript.node',
          version: sdkVersion,
          packages: [{ name: nest ? 'npm:@sentry/nestjs' : 'npm:@sentry/node', version: sdkVersion }],
        },
        runtime: { name: 'node', version: `v${version}` },
        os: { name: 'Debian GNU/Linux', version: '12', kernel_version: KERNEL },
        unhandled: { type: nest ? 'auto.http.nestjs.global_filter' : 'auto.function.fastify', handled: false },
        captured: { type: 'generic', handled: true },
        frameworkFrames,
        clientUserAgent: 'node',
        sqlParam: (n) => `$${n}`,
      };
    }
    case 'go':
      return {
        service,
        platform: 'go',
        environment,
        sdk: { name: 'sentry.go', version: GO_SDK, packages: [{ name: 'sentry-go', version: GO_SDK }] },
        runtime: { name: 'go', version },
        os: { name: 'linux' },
        // Go handlers return errors and capture them; only panics are unhandled.
        unhandled: { type: 'generic', handled: true },
        captured: { type: 'generic', handled: true },
        frameworkFrames,
        clientUserAgent: 'Go-http-client/1.1',
        sqlParam: (n) => `$${n}`,
      };
  }
}

const PROFILES = new WeakMap<Service, ServiceProfile>();

/** The profile of a service (a Service object belongs to one topology, so it is a safe key). */
export function profileOf(service: Service, environment: string): ServiceProfile {
  let p = PROFILES.get(service);
  if (!p) PROFILES.set(service, (p = build(service, environment)));
  return p;
}
