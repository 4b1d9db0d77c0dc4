// Every CloudWatch series the shop publishes, built once per World: the dimension arrays, keys
// and noise hashes are made here so the per-period loop only computes values.
import type { World } from '../../simulation/world.js';
import { albSeries } from './series-alb.js';
import { appSeries } from './series-app.js';
import { cacheSeries } from './series-cache.js';
import { containerSeries } from './series-container.js';
import { rdsSeries } from './series-rds.js';
import { s3Series } from './series-s3.js';
import type { Series } from './series.js';
import { staticsOf, type Statics } from './statics.js';

export interface Catalog {
  readonly statics: Statics;
  readonly series: readonly Series[];
  readonly byKey: ReadonlyMap<string, Series>;
}

const cache = new WeakMap<World, Catalog>();

export function catalogOf(world: World): Catalog {
  let c = cache.get(world);
  if (c) return c;
  const statics = staticsOf(world);
  const series = [...albSeries(statics), ...rdsSeries(statics), ...cacheSeries(statics), ...s3Series(statics), ...containerSeries(statics), ...appSeries(statics)];
  const byKey = new Map<string, Series>();
  for (const s of series) {
    if (byKey.has(s.key)) throw new Error(`duplicate CloudWatch series ${s.key}`);
    byKey.set(s.key, s);
  }
  c = { statics, series, byKey };
  cache.set(world, c);
  return c;
}
