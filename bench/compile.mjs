// The benchmarks start real backends with the integration tests' helpers, which are
// TypeScript: compile test/support/backends.ts (and the few src modules it imports) into
// node_modules/.cache/obsynth-bench and return the module's file URL.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;

export async function compileBenchSupport() {
  const out = join(root, 'node_modules', '.cache', 'obsynth-bench');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--outDir', out, '--rootDir', root, '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--lib', 'ES2023', '--types', 'node', '--skipLibCheck', '--strict', join(root, 'test', 'support', 'backends.ts')],
    { stdio: 'inherit' },
  );
  return pathToFileURL(join(out, 'test', 'support', 'backends.js')).href;
}
