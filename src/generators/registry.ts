// Every generator, in the order they run inside a window. Order matters only for speed (the
// shared request simulation runs once, on first use); output does not depend on it because
// each generator draws from its own random stream.
import type { Generator } from './generator.js';

export function allGenerators(): Generator[] {
  return [];
}
