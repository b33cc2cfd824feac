// The receiving end of a layer merge: a squashfs image (import) or a directory (load).
// The method shapes are those of SquashfsWriter, so the writer is a TreeSink as it is.

/** Metadata of one entry as the image stores it; the sink decides what it can keep. */
export interface EntryMeta {
  /** Permission bits including setuid, setgid and sticky; never file-type bits. */
  mode: number;
  uid: number;
  gid: number;
  /** Modification time in seconds since the epoch; may have a fractional part (PAX mtime). */
  mtime: number;
  /** Extended attributes by full name (`user.foo`, `security.capability`). */
  xattrs?: Record<string, Buffer>;
}

/** File contents: chunks of bytes, read once. */
export type FileData = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * A tree being built. Paths are relative, '/'-separated and normalised ('' is the root, no '.', '..' or
 * empty components). Every path is given at most once; entries arrive in any order: a directory's
 * metadata may come after entries below it (missing parents are the sink's to create), and a hardlink
 * may come before its target. Await each call before making the next.
 */
export interface TreeSink {
  addDirectory(path: string, meta: EntryMeta): void | Promise<void>;
  /** `data` yields exactly `size` bytes. */
  addFile(path: string, meta: EntryMeta, size: number, data: FileData): Promise<void>;
  addSymlink(path: string, meta: EntryMeta, target: string): void | Promise<void>;
  /** `path` becomes another name for the non-directory at `targetPath`, which may be added later. */
  addHardlink(path: string, targetPath: string): void | Promise<void>;
  addDevice(path: string, meta: EntryMeta, type: 'char' | 'block', major: number, minor: number): void | Promise<void>;
  addFifo(path: string, meta: EntryMeta): void | Promise<void>;
}
