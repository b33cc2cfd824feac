// One image (config + layers) into one tree sink: what import (squashfs sink) and load (directory sink)
// both do once they have an image source, and the directory variant as a whole.
import { Transform, pipeline } from 'node:stream';
import { log } from '../log/log.js';
import { startProgress, type Progress } from '../log/progress.js';
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

/** The layers, counting the (compressed) bytes read into `progress`; a layer read again counts once. */
function countingLayers(layers: LayerInput[], progress: Progress): LayerInput[] {
  return layers.map((layer) => {
    let counted = 0;
    return {
      ...layer,
      open: () => {
        let read = 0;
        const counter = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            read += chunk.length;
            if (read > counted) {
              progress.advance(read - counted);
              counted = read;
            }
            callback(null, chunk);
          },
        });
        return pipeline(layer.open(), counter, () => {});
      },
    };
  });
}

export async function writeImageTree(options: ImageTreeOptions): Promise<void> {
  const warn = options.warn ?? ((message: string) => log.warn(message));
  const config = parseImageConfig(options.config);
  const mismatch = architectureMismatch(config, options.requestedArchitecture);
  if (mismatch !== undefined) warn(mismatch);
  const generated = configLayer(config, options.origin, options.mtime, warn);
  // On a terminal, a bar follows the bytes of layer blobs read.
  const total = options.layers.reduce((sum, layer) => sum + (layer.size ?? 0), 0);
  const progress = log.interactive && total > 0 ? startProgress('Merging layers', { total, unit: 'bytes' }) : undefined;
  try {
    await mergeLayers({
      sink: options.sink,
      layers: progress === undefined ? options.layers : countingLayers(options.layers, progress),
      generated: generated.entries,
      ensureDirectories: [generated.workingDir],
      implicitDirectoryMeta: { mode: 0o755, uid: 0, gid: 0, mtime: options.mtime },
      warn,
    });
  } finally {
    progress?.done();
  }
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
