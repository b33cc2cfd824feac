// Quoting for generated shell scripts that any POSIX sh (dash, busybox, bash) reads the same way.

/** `value` as one POSIX shell word: single-quoted, embedded single quotes as '\''. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** `value` made safe for a `#` comment line: control characters (newlines included) become spaces. */
export function commentText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]/g, ' ');
}
