// Errors a user can cause. The CLI prints `[ERROR] <message>` for these and exits 1;
// anything else is a bug and is reported the same way, without a stack trace unless ENROOT_DEBUG is set.

/** A failure with a message meant for the user: it names the thing and, where possible, the fix. */
export class EnrootError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnrootError';
  }
}

/** Bad command-line usage: the CLI prints the message, then the command's usage, and exits 1. */
export class UsageError extends EnrootError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The text of any thrown value, for messages. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

const SYSTEM_ERROR_TEXT: Record<string, string> = {
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
  EROFS: 'Read-only file system',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EEXIST: 'File already exists',
  ENOTEMPTY: 'Directory not empty',
  EMFILE: 'Too many open files',
  EIO: 'Input/output error',
};

/** Names `path` in a system error that has no path of its own (a write through a file handle). */
export function withPath(err: unknown, path: string): unknown {
  const system = err as NodeJS.ErrnoException;
  if (system instanceof Error && typeof system.code === 'string' && system.path === undefined) system.path = path;
  return err;
}

/**
 * The one-line message for a failure that is not an EnrootError: a Node system error becomes
 * `<what went wrong>: <path>`, anything else `Unexpected failure: <message>`.
 */
export function failureMessage(err: unknown): string {
  if (err instanceof EnrootError) return err.message;
  const system = err as NodeJS.ErrnoException;
  if (system instanceof Error && typeof system.code === 'string' && SYSTEM_ERROR_TEXT[system.code] !== undefined) {
    const where = system.path ?? system.syscall ?? '';
    return `${SYSTEM_ERROR_TEXT[system.code]}${where === '' ? '' : `: ${where}`}`;
  }
  return `Unexpected failure: ${errorText(err)}`;
}
