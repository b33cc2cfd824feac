// The generated configuration (spec 5.4, section 6) as entries stacked above the image layers: /etc/rc,
// /etc/rc.local, /etc/environment, /etc/fstab and /.enroot/source replace whatever the layers have there.
// Directories that exist in the layers keep their own metadata (only /.enroot is ours), and the working
// directory is created after the merge, only where missing and following the image's own symlinks.
import type { GeneratedEntry } from '../layers/merge.js';
import type { EntryMeta } from '../layers/sink.js';
import type { ImageRuntimeConfig } from './config.js';
import { environmentText, fstabText } from './config-files.js';
import { rcProvenanceUri, sourceFileText, type ImageOrigin } from './provenance.js';
import { RC_LOCAL, rcScript } from './rc.js';

export interface ConfigLayer {
  entries: GeneratedEntry[];
  /** Directory to create in the merged tree (ensureDirectories of mergeLayers). */
  workingDir: string;
}

export function configLayer(
  config: ImageRuntimeConfig, origin: ImageOrigin, mtime: number, warn: (message: string) => void,
): ConfigLayer {
  const fileMeta: EntryMeta = { mode: 0o644, uid: 0, gid: 0, mtime };
  const file = (path: string, content: string): GeneratedEntry => ({ path, type: 'file', meta: fileMeta, content: Buffer.from(content) });
  const environment = environmentText(config, (element, reason) => warn(`image Env element ${JSON.stringify(element)} left out: ${reason}`));
  const fstab = fstabText(config, (volume, reason) => warn(`image volume ${JSON.stringify(volume)} left out: ${reason}`));
  return {
    entries: [
      file('etc/rc', rcScript(config, rcProvenanceUri(origin))),
      file('etc/rc.local', RC_LOCAL),
      file('etc/environment', environment),
      file('etc/fstab', fstab),
      { path: '.enroot', type: 'directory', meta: { ...fileMeta, mode: 0o755 } },
      file('.enroot/source', sourceFileText(origin)),
    ],
    workingDir: config.workingDir === '' ? '/' : config.workingDir,
  };
}
