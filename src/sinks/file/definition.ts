// The file sink's entry in the sink registry.
import { RECORD_KINDS } from '../../model/record.js';
import type { SinkType } from '../registry.js';
import { FileSink, fileSinkSchema, type FileSinkConfig } from './file-sink.js';

export const FILE_SINK: SinkType = {
  type: 'file',
  description: 'rebased records as JSON Lines files, one per kind (no server)',
  kinds: RECORD_KINDS,
  schema: fileSinkSchema,
  defaults: () => ({ type: 'file', path: 'replayed' }),
  create: async (config, ctx) => new FileSink(ctx.name, config as FileSinkConfig, ctx.kinds),
};
