// enroot bundle: an image file to a self-extracting .run that starts the container on a Linux machine without
// enroot or Node.js (spec 8.6): the header script of header.ts, then a payload of the extracted image plus the
// runtime (runtime-files.ts) and the configuration it should run with.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { log } from '../log/log.js';
import { Settings } from '../config/settings.js';
import { COMPATIBLE_VERSION, IMPLEMENTATION_VERSION } from '../config/install.js';
import { createContainer, resolveImageFile } from '../image/create.js';
import { sourceDateEpoch } from '../image/image-source-tree.js';
import { resolveOutputPath } from '../image/output-names.js';
import { StagedDirectory } from '../image/staged-directory.js';
import { writeFileAtomically } from '../temporary-files.js';
import { copyBundleConfiguration } from './configuration.js';
import { bundleHeader } from './header.js';
import { writePayload } from './payload.js';
import { copyRuntime } from './runtime-files.js';

export interface BundleOptions {
  output?: string;
  target?: string;
  description?: string;
  /** Capture the user's settings and configuration directories (--all). */
  all: boolean;
  checksum: boolean;
  force: boolean;
}

const NO_CHECKSUM = '0'.repeat(64);

/** Extracts the image as `create` would, into a scratch data directory. */
async function extractImage(imageFile: string, settings: Settings, scratch: string): Promise<string> {
  const scratchSettings = Settings.load({ env: { ...settings.environment(), ENROOT_DATA_PATH: scratch } });
  return createContainer(imageFile, scratchSettings, { name: 'rootfs', force: false });
}

/** Writes `header` then the payload file to `output`, executable, whole or not at all. */
async function assemble(output: string, header: Buffer, payloadFile: string, replace: boolean): Promise<void> {
  await writeFileAtomically(output, replace, async (temporary) => {
    fs.writeFileSync(temporary, header, { mode: 0o755 });
    await pipeline(fs.createReadStream(payloadFile), fs.createWriteStream(temporary, { flags: 'a' }));
    fs.chmodSync(temporary, 0o755);
  });
}

/** Makes the bundle and returns its path. */
export async function createBundle(image: string, settings: Settings, options: BundleOptions): Promise<string> {
  const imageFile = resolveImageFile(image);
  const output = resolveOutputPath(options.output ?? `${path.basename(imageFile).replace(/\.sqsh$/, '')}.run`, options.force);
  const target = options.target ?? path.basename(output).replace(/\.run$/, '');
  const staging = StagedDirectory.create(path.join(settings.path('ENROOT_TEMP_PATH'), 'enroot-bundle'));
  try {
    const tree = await extractImage(imageFile, settings, staging.path);
    log.info('Generating bundle...');
    copyRuntime(tree);
    copyBundleConfiguration(tree, settings, options.all);
    const payloadFile = path.join(staging.path, 'payload.tar.gz');
    const payload = await writePayload(tree, payloadFile, sourceDateEpoch(settings));
    const header = bundleHeader({
      description: options.description ?? 'none',
      target,
      checksum: options.checksum ? payload.sha256 : NO_CHECKSUM,
      runtimeVersion: `${COMPATIBLE_VERSION} (enroot-ts ${IMPLEMENTATION_VERSION})`,
      uncompressedKb: payload.uncompressedKb,
    });
    await assemble(output, header, payloadFile, options.force);
  } finally {
    staging.discard();
  }
  return output;
}
