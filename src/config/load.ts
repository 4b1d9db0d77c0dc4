// YAML files -> schema -> semantic checks. Every problem in every file is collected and
// reported at once, each with file, line:column, key path, the bad value and what is allowed.
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type Problem } from './errors.js';
import {
  generationFileSchema,
  incidentsFileSchema,
  servicesFileSchema,
  SOURCE_NAMES,
  type GenerationFile,
  type IncidentsFile,
  type ServicesFile,
} from './schema.js';
import { checkSemantics } from './semantics.js';
import { parseYamlFile } from './yaml-file.js';

export const CONFIG_FILES = {
  services: 'services.yaml',
  incidents: 'incidents.yaml',
  generation: 'generation.yaml',
} as const;
export type ConfigFileKey = keyof typeof CONFIG_FILES;

/** The config/ folder shipped with the package (the defaults). */
export function defaultConfigDir(): string {
  return fileURLToPath(new URL('../../config/', import.meta.url));
}

export interface ConfigPaths {
  services: string;
  incidents: string;
  generation: string;
}

export function configPaths(dir?: string, overrides: Partial<ConfigPaths> = {}): ConfigPaths {
  const base = dir ?? defaultConfigDir();
  return {
    services: overrides.services ?? join(base, CONFIG_FILES.services),
    incidents: overrides.incidents ?? join(base, CONFIG_FILES.incidents),
    generation: overrides.generation ?? join(base, CONFIG_FILES.generation),
  };
}

export interface LoadedConfig {
  readonly services: ServicesFile;
  readonly incidents: IncidentsFile;
  readonly generation: GenerationFile;
  readonly paths: ConfigPaths;
  /** sha256 of the validated configuration (defaults filled in), for the manifest. */
  readonly hash: string;
}

export interface LoadOptions {
  dir?: string;
  overrides?: Partial<ConfigPaths>;
}

/** Loads, validates and cross-checks the three files; throws one ConfigError with every problem. */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const paths = configPaths(options.dir ? resolve(options.dir) : undefined, options.overrides);
  const problems: Problem[] = [];
  const services = parseYamlFile(paths.services, servicesFileSchema, problems);
  const incidents = parseYamlFile(paths.incidents, incidentsFileSchema, problems);
  const generation = parseYamlFile(paths.generation, generationFileSchema, problems);
  if (services.value && incidents.value && generation.value) {
    problems.push(
      ...checkSemantics(
        { value: services.value, source: services.source },
        { value: incidents.value, source: incidents.source },
        { value: generation.value, source: generation.source },
      ),
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const value = { services: services.value!, incidents: incidents.value!, generation: generation.value! };
  const hash = createHash('sha256').update(JSON.stringify(value)).digest('hex');
  return { ...value, paths, hash };
}

export { SOURCE_NAMES };
export { SourceFile } from './yaml-file.js';
