// The commands, in the order the general usage lists them, each loaded only when it runs
// so that `enroot start` pays for nothing it does not use.
import type { Command } from './command.js';

export interface CatalogEntry {
  name: string;
  load(): Promise<Command>;
}

export const CATALOG: readonly CatalogEntry[] = [
  { name: 'batch', load: async () => (await import('./batch.js')).batchCommand },
  { name: 'bundle', load: async () => (await import('./bundle.js')).bundleCommand },
  { name: 'create', load: async () => (await import('./create.js')).createCommand },
  { name: 'digest', load: async () => (await import('./digest.js')).digestCommand },
  { name: 'exec', load: async () => (await import('./exec.js')).execCommand },
  { name: 'export', load: async () => (await import('./export.js')).exportCommand },
  { name: 'import', load: async () => (await import('./import.js')).importCommand },
  { name: 'list', load: async () => (await import('./list.js')).listCommand },
  { name: 'load', load: async () => (await import('./load.js')).loadCommand },
  { name: 'remove', load: async () => (await import('./remove.js')).removeCommand },
  { name: 'start', load: async () => (await import('./start.js')).startCommand },
  { name: 'info', load: async () => (await import('./info.js')).infoCommand },
  { name: 'version', load: async () => (await import('./version.js')).versionCommand },
  { name: 'help', load: async () => (await import('./help.js')).helpCommand },
];

export function findCommand(name: string): CatalogEntry | undefined {
  return CATALOG.find((entry) => entry.name === name);
}
