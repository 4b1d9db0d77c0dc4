// CloudWatch Logs: ALB access logs, the RDS PostgreSQL log and Container Insights application
// logs, each event in the shape PutLogEvents takes it with its group and stream.
import type { Generator, GenerationContext } from '../generator.js';
import { writeAlbLogs } from './alb-log.js';
import { writeAppLogs } from './app-log.js';
import { catalogOf } from './catalog.js';
import { writeRdsLogs } from './rds-log.js';
import { scopesFor } from './scope.js';

export class CloudWatchLogGenerator implements Generator {
  readonly name = 'cloudwatch-logs';
  readonly source = 'cloudwatch' as const;

  generate(ctx: GenerationContext): void {
    writeAlbLogs(ctx);
    writeRdsLogs(ctx, catalogOf(ctx.world), scopesFor(ctx.world, ctx.window, 5 * 60_000));
    writeAppLogs(ctx);
  }
}
