// enroot export: a container root filesystem written to a squashfs image by our writer (spec 8.2), under a
// temporary name renamed at the end, so --force replaces the old image only once the new one is complete.
//
// Left out: everything below dev/ (the directory itself stays), /.enroot (provenance and runtime files of
// the original image no longer describe a modified tree) and /.lock. Unlike the reference we keep empty
// mode-0000 entries: it dropped them as mount placeholders, which also lost genuine files, and an empty
// placeholder does no harm in an image.
import type { Stats } from 'node:fs';
import type { Settings } from '../config/settings.js';
import { log } from '../log/log.js';
import { containerDirectory } from '../runtime/names.js';
import { writeTreeImage } from '../squashfs/index.js';
import { importSquashOptions } from './import.js';
import { resolveOutputPath } from './output-names.js';

export interface ExportOptions {
  output?: string;
  force: boolean;
}

export function excludedFromExport(relPath: string, stat: Stats): boolean {
  if (relPath.startsWith('dev/')) return true;
  if (relPath === '.enroot') return stat.isDirectory();
  if (relPath === '.lock') return stat.isFile();
  return false;
}

/** Exports container `name` and returns the image path. */
export async function exportContainer(name: string, settings: Settings, options: ExportOptions): Promise<string> {
  const rootfs = containerDirectory(settings.path('ENROOT_DATA_PATH'), name);
  const output = resolveOutputPath(options.output ?? `${rootfs.split('/').pop() as string}.sqsh`, options.force);
  const squashOptions = importSquashOptions(settings);
  // Real root exports the owners the tree has; for anyone else every file is theirs, and root in the image.
  squashOptions.allRoot = process.getuid?.() !== 0;
  log.info('Creating squashfs filesystem...');
  await writeTreeImage(rootfs, output, squashOptions, { exclude: excludedFromExport, replace: options.force });
  return output;
}
