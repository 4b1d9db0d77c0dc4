// Documents a dataset carries besides records: the definitions replays need to recreate the
// resources the records refer to.
import { alarmDefinitions } from '../../generators/cloudwatch/alarm-definitions.js';
import type { World } from '../../simulation/world.js';
import { ALARM_DEFINITIONS } from '../../sinks/file/dataset-layout.js';

export function extraDocuments(world: World): Record<string, unknown> {
  return world.has('cloudwatch') ? { [ALARM_DEFINITIONS]: alarmDefinitions(world) } : {};
}
