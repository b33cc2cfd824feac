// dockerd:// and podman:// through the engine's command-line tool: the image is pulled when the store lacks
// it (for the --arch platform), saved as a docker-archive into a temporary directory and read from there like
// any docker-archive://, so it gets the same merge, configuration and provenance as a registry import. No
// container is created, so none can be left behind; the temporary directory goes on success, failure or signal.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { EnrootError } from '../../errors.js';
import { log } from '../../log/log.js';
import type { ImageSource } from '../../reference/image-source.js';
import { formatPlatform, type Platform } from '../../reference/platform.js';
import { StagedDirectory } from '../staged-directory.js';
import { tarFiles } from './archive-files.js';
import { openDockerArchive } from './docker-archive.js';
import { engineCommand, type EngineScheme } from './local-uri.js';

/** Runs the engine; its own output goes to stderr (stdout carries only our result). Resolves to its exit status. */
function runEngine(command: string, args: string[], quiet: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', quiet ? 'ignore' : process.stderr, quiet ? 'ignore' : process.stderr] });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') reject(new EnrootError(`Command not found: ${command} (install it, or import the image another way)`));
      else reject(err);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

export interface EngineImage {
  source: ImageSource;
  /** Removes the saved archive; call it once the source has been read. */
  release(): void;
}

export async function openEngineImage(
  scheme: EngineScheme, image: string, uri: string, wanted: Platform, explicitArch: boolean, tempDirectory: string,
): Promise<EngineImage> {
  const command = engineCommand(scheme);
  log.info('Fetching image');
  if ((await runEngine(command, ['image', 'inspect', image], true)) !== 0) {
    const platform = explicitArch ? ['--platform', formatPlatform(wanted)] : [];
    const status = await runEngine(command, ['pull', ...platform, image], false);
    if (status !== 0) throw new EnrootError(`${command} could not find or pull ${image} (exit status ${status}): check the name with "${command} images"`);
  }
  const staging = StagedDirectory.create(path.join(tempDirectory, `enroot-${scheme}-save`));
  try {
    const archive = path.join(staging.path, 'image.tar');
    const status = await runEngine(command, ['save', '-o', archive, image], false);
    if (status !== 0) throw new EnrootError(`${command} save ${image} failed (exit status ${status})`);
    const source = await openDockerArchive(await tarFiles(archive, uri), uri, wanted);
    return { source, release: () => staging.discard() };
  } catch (err) {
    staging.discard();
    throw err;
  }
}
