// One image (config + layers) into one tree sink: what import (squashfs sink) and load (directory sink)
// both do once they have an image source, and the directory variant as a whole.
import { log } from '../log/log.js';
import { DirectorySink } from './directory-sink.js';
import { mergeLayers, type LayerInput, type TreeSink } from '../layers/index.js';
import { architectureMismatch, parseImageConfig } from './config.js';
import { configLayer } from './config-layer.js';
import type { ImageOrigin } from './provenance.js';

export interface ImageTreeOptions {
  sink: TreeSink;
  /** The image config document as parsed JSON (registry config blob, or `inspect` output). */
  config: unknown;
  /** Layers in manifest order, base first. */
  layers: LayerInput[];
  origin: ImageOrigin;
  /** The architecture asked for (spec 6.1), e.g. 'amd64'. */
  requestedArchitecture: string;
  /** Time of generated entries and of directories no layer describes (SOURCE_DATE_EPOCH, or now). */
  mtime: number;
  warn?: (message: string) => void;
}

export async function writeImageTree(options: ImageTreeOptions): Promise<void> {
  const warn = options.warn ?? ((message: string) => log.warn(message));
  const config = parseImageConfig(options.config);
  const mismatch = architectureMismatch(config, options.requestedArchitecture);
  if (mismatch !== undefined) warn(mismatch);
  const generated = configLayer(config, options.origin, options.mtime, warn);
  await mergeLayers({
    sink: options.sink,
    layers: options.layers,
    generated: generated.entries,
    ensureDirectories: [generated.workingDir],
    implicitDirectoryMeta: { mode: 0o755, uid: 0, gid: 0, mtime: options.mtime },
    warn,
  });
}

/**
 * The image as a container root filesystem at `target` (enroot load): built beside it and moved into place
 * at the end; with `replace`, an existing target is swapped out only once the new tree is complete.
 */
export async function writeImageToDirectory(
  target: string, options: Omit<ImageTreeOptions, 'sink'> & { replace?: boolean },
): Promise<void> {
  const sink = await DirectorySink.create(target, options.warn === undefined ? {} : { warn: options.warn });
  try {
    await writeImageTree({ ...options, sink });
  } catch (err) {
    await sink.abort();
    throw err;
  }
  await sink.finish({ replace: options.replace === true });
}
