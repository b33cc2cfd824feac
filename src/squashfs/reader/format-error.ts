// What the reader throws when an image contradicts the squashfs format: only the reason. Whoever knows the
// image's path turns it into the user's error with `invalidImage`.
import { EnrootError } from '../../errors.js';

export class ImageFormatError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ImageFormatError';
  }
}

/** The user-facing error for an image the reader refuses. */
export function invalidImage(file: string, reason: string): EnrootError {
  return new EnrootError(`Invalid image format: ${file} (${reason})`);
}

/** Runs `read`, turning an ImageFormatError into the user-facing error for `file`. */
export function readingImage<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ImageFormatError) throw invalidImage(file, err.message);
    throw err;
  }
}
