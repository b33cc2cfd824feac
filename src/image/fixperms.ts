// Modes of a container root filesystem written by `load` (and the fix-up `create` applies), as the
// reference leaves them: setuid and setgid cleared, owner read everywhere, owner execute on directories
// and on files someone may execute, owner write on directories (the reference stops at depth 15, an
// artefact of how it walks the tree; here every directory gets it).

const SETUID_SETGID = 0o6000;
const ANY_EXECUTE = 0o111;

/** The mode a container root filesystem gets for an entry stored with `mode`. */
export function containerMode(mode: number, isDirectory: boolean): number {
  let fixed = (mode & 0o7777 & ~SETUID_SETGID) | 0o400;
  if (isDirectory) fixed |= 0o300;
  else if ((mode & ANY_EXECUTE) !== 0) fixed |= 0o100;
  return fixed;
}
