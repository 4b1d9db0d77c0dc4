// How soon V8 optimises a function (its "interrupt budget": bytecode run before it is considered).
// Generation runs many large functions whose object shapes settle only after a while (incidents
// bring new ones for hours): optimised at V8's default moment, they deoptimise and are compiled
// again, in every worker isolate, on the same cores as the work. On Node 20 (V8 11) a budget
// eight times the default cut 6 simulated hours' deoptimisations from 131 to 37 and compiles
// from 518 to 254, and made a 6-hour run 15-20% faster and a day 5-10% (`npm run bench`);
// other V8 versions tier up differently and keep their defaults until measured there.
import { setFlagsFromString } from 'node:v8';

const V8_11_DEFAULT_BUDGET = 67_584;
let applied = false;

/** Process-wide; it applies to code (and worker isolates) that start after the call. */
export function delayOptimisation(): void {
  if (applied || !process.versions.v8.startsWith('11.')) return;
  applied = true;
  setFlagsFromString(`--interrupt-budget=${8 * V8_11_DEFAULT_BUDGET}`);
}
