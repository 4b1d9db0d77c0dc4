// Kubernetes container logs: every line the shop's pods print, as a log shipper collects them.
import type { Generator, GenerationContext } from '../generator.js';
import { BackgroundLogs } from './background-logs.js';
import { LogWriter } from './log-writer.js';
import { RequestLogs } from './request-logs.js';

export class ContainerLogGenerator implements Generator {
  readonly name = 'kubernetes.container_logs';
  readonly source = 'kubernetes' as const;

  generate(ctx: GenerationContext): void {
    const writer = new LogWriter(ctx);
    const rng = ctx.rng('kubernetes-logs');
    const volume = ctx.world.generation.sources.kubernetes.volume;
    const requests = new RequestLogs(ctx, writer);
    for (const req of ctx.requests()) {
      if (volume < 1 && !rng.chance(volume)) continue;
      requests.emit(rng, req);
    }
    new BackgroundLogs(ctx, writer).emit(rng);
  }
}
