// The parts of an OCI/Docker image config that shape the container (spec section 6). Registry configs
// nest them under `config`; `docker inspect` output has them under `Config` (its top-level keys are
// lower-cased by the reference, so both spellings are read).

export interface ImageRuntimeConfig {
  /** '' when the config has none. */
  architecture: string;
  env: string[];
  entrypoint: string[];
  cmd: string[];
  /** '' when the config has none. */
  workingDir: string;
  /** Volume paths, sorted. */
  volumes: string[];
  /** Label key and value pairs in the config's order. */
  labels: [string, string][];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(object: Json, name: string): unknown {
  return object[name] ?? object[name.toLowerCase()] ?? object[name[0]!.toUpperCase() + name.slice(1)];
}

/** The strings of a JSON array; anything that is not an array counts as absent. */
function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function parseImageConfig(document: unknown): ImageRuntimeConfig {
  const top = isObject(document) ? document : {};
  const inner = field(top, 'config');
  const config = isObject(inner) ? inner : {};
  const volumes = field(config, 'Volumes');
  const labels = field(config, 'Labels');
  return {
    architecture: text(field(top, 'architecture')),
    env: stringList(field(config, 'Env')),
    entrypoint: stringList(field(config, 'Entrypoint')),
    cmd: stringList(field(config, 'Cmd')),
    workingDir: text(field(config, 'WorkingDir')),
    volumes: isObject(volumes) ? Object.keys(volumes).sort() : [],
    labels: isObject(labels) ? Object.entries(labels).map(([key, value]) => [key, typeof value === 'string' ? value : String(value)]) : [],
  };
}

/** The warning of spec 6.1 when the image is not for the requested architecture (an absent one differs too). */
export function architectureMismatch(config: ImageRuntimeConfig, requested: string): string | undefined {
  if (config.architecture === requested) return undefined;
  return `Image architecture doesn't match the requested one: ${config.architecture} != ${requested}`;
}
