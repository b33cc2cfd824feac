// Container Device Interface specs (the public CDI specification): spec files in /etc/cdi and
// /var/run/cdi (JSON or YAML; the later directory wins for a device defined twice), devices named
// `vendor/class=name`, each with containerEdits, plus the spec-wide containerEdits.
import fs from 'node:fs';
import path from 'node:path';
import { EnrootError } from '../errors.js';
import { emptyEdits, mergeEdits, type ContainerEdits } from './edits.js';
import { parseYaml, type YamlValue } from './yaml.js';

export const CDI_DIRS = ['/etc/cdi', '/var/run/cdi'];
export const NVIDIA_GPU_KIND = 'nvidia.com/gpu';

export interface CdiSpec {
  file: string;
  kind: string;
  devices: Map<string, ContainerEdits>;
  edits: ContainerEdits;
}

type Obj = { [key: string]: YamlValue };

function isObject(value: YamlValue | undefined): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: YamlValue | undefined): YamlValue[] {
  return Array.isArray(value) ? value : [];
}

function text(value: YamlValue | undefined): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

function strings(value: YamlValue | undefined): string[] {
  return list(value).map((item) => String(item));
}

function parseEdits(value: YamlValue | undefined, file: string): ContainerEdits {
  const edits = emptyEdits();
  if (!isObject(value)) return edits;
  const invalid = (what: string): never => {
    throw new EnrootError(`Invalid CDI spec ${file}: ${what} (fix or remove the file)`);
  };
  for (const node of list(value.deviceNodes)) {
    const nodePath = isObject(node) ? text(node.path) : undefined;
    if (!isObject(node) || nodePath === undefined) return invalid('a device node without a path');
    edits.deviceNodes.push({ path: nodePath, hostPath: text(node.hostPath) ?? nodePath });
  }
  for (const mount of list(value.mounts)) {
    const hostPath = isObject(mount) ? text(mount.hostPath) : undefined;
    const containerPath = isObject(mount) ? text(mount.containerPath) : undefined;
    if (!isObject(mount) || hostPath === undefined || containerPath === undefined) return invalid('a mount without hostPath or containerPath');
    const type = text(mount.type);
    edits.mounts.push({ hostPath, containerPath, options: strings(mount.options), ...(type === undefined ? {} : { type }) });
  }
  edits.env.push(...strings(value.env));
  for (const hook of list(value.hooks)) {
    const hookPath = isObject(hook) ? text(hook.path) : undefined;
    const hookName = isObject(hook) ? text(hook.hookName) : undefined;
    if (!isObject(hook) || hookPath === undefined || hookName === undefined) return invalid('a hook without hookName or path');
    edits.hooks.push({ hookName, path: hookPath, args: strings(hook.args), env: strings(hook.env) });
  }
  return edits;
}

export function parseCdiSpec(content: string, file: string): CdiSpec {
  const data = file.endsWith('.json') ? (JSON.parse(content) as YamlValue) : parseYaml(content, file);
  if (!isObject(data) || typeof data.kind !== 'string') throw new EnrootError(`Invalid CDI spec ${file}: no "kind" (fix or remove the file)`);
  const devices = new Map<string, ContainerEdits>();
  for (const device of list(data.devices)) {
    if (!isObject(device) || text(device.name) === undefined) throw new EnrootError(`Invalid CDI spec ${file}: a device without a name (fix or remove the file)`);
    devices.set(text(device.name) as string, parseEdits(device.containerEdits, file));
  }
  return { file, kind: data.kind, devices, edits: parseEdits(data.containerEdits, file) };
}

/** The specs of `kind` found under `root` (`/` on a real host), in priority order (lowest first). */
export function loadCdiSpecs(root: string, kind: string): CdiSpec[] {
  const specs: CdiSpec[] = [];
  for (const dir of CDI_DIRS) {
    const hostDir = path.join(root, dir);
    let names: string[];
    try {
      names = fs.readdirSync(hostDir).filter((name) => /\.(json|ya?ml)$/.test(name)).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const file = path.join(hostDir, name);
      let content: string;
      try {
        content = fs.readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      let spec: CdiSpec;
      try {
        spec = parseCdiSpec(content, file);
      } catch (err) {
        if (err instanceof SyntaxError) throw new EnrootError(`Invalid CDI spec ${file}: ${err.message} (fix or remove the file)`);
        throw err;
      }
      if (spec.kind === kind) specs.push(spec);
    }
  }
  return specs;
}

/** `nvidia.com/gpu=0` or a bare `0` -> `0`; another kind is an error. */
function deviceName(id: string, kind: string): string {
  const at = id.indexOf('=');
  if (at < 0) return id;
  if (id.slice(0, at) !== kind) throw new EnrootError(`Unsupported CDI device: ${id} (only ${kind}=NAME devices are handled here)`);
  return id.slice(at + 1);
}

/**
 * The edits for the requested devices: every spec's own edits, then each device's. `all` takes the
 * device named all when one is defined, else every device. Unknown names are one error listing the known ones.
 */
export function cdiEdits(specs: readonly CdiSpec[], devices: 'all' | readonly string[], kind: string): ContainerEdits {
  const known = new Map<string, ContainerEdits>();
  for (const spec of specs) for (const [name, edits] of spec.devices) known.set(name, edits);
  const edits = emptyEdits();
  for (const spec of specs) mergeEdits(edits, spec.edits);
  const names = devices === 'all' ? ['all'] : devices.map((id) => deviceName(id, kind));
  for (const name of names) {
    const device = known.get(name);
    if (device !== undefined) {
      mergeEdits(edits, device);
    } else if (name === 'all') {
      for (const each of known.values()) mergeEdits(edits, each);
    } else {
      const files = specs.map((spec) => spec.file).join(', ');
      throw new EnrootError(`Unknown CDI device: ${kind}=${name} (defined in ${files}: ${[...known.keys()].join(', ')})`);
    }
  }
  return edits;
}
