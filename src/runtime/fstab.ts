// Parsing the fstab dialect (spec 10.1-10.2): six whitespace-separated fields with octal escapes,
// the pass number that picks the setup phase, and the inference of omitted fields.
import { EnrootError } from '../errors.js';
import { looksLikeOptions } from './mount-options.js';

export interface FstabEntry {
  source: string;
  target: string;
  type: string;
  options: string;
  /** -1: early (before hooks); 0: after hooks; anything else is never performed. */
  pass: number;
  /** Where the line came from, for messages. */
  origin: string;
}

function unescape(field: string): string {
  return field.replace(/\\([0-7]{3}|\\)/g, (_match, code: string) => (code === '\\' ? '\\' : String.fromCharCode(parseInt(code, 8))));
}

function integer(field: string | undefined): number {
  const value = parseInt(field ?? '', 10);
  return Number.isNaN(value) ? 0 : value;
}

/** One line; null for blank lines and comments. */
export function parseFstabLine(line: string, origin: string): FstabEntry | null {
  const fields = line.trim().split(/\s+/);
  if (fields[0] === '' || (fields[0] as string).startsWith('#')) return null;
  const [source, second, third, fourth] = fields.slice(0, 4).map(unescape) as [string, string?, string?, string?];
  let target = second ?? '';
  let type = third ?? '';
  let options = fourth ?? '';
  if (fields.length === 2 && looksLikeOptions(target)) {
    options = target;
    type = 'none';
    target = '';
  } else if (type !== '' && options === '' && looksLikeOptions(type)) {
    options = type;
    type = 'none';
    if (target === 'none') target = '';
  }
  if (source === 'tmpfs') {
    if (type === '' || type === 'none') type = 'tmpfs';
  } else {
    if (target === '') target = source;
    if (type === '' || type === 'none') {
      type = 'none';
      if (options === '') options = 'rbind,x-create=auto';
    }
  }
  if (source === '' || target === '' || type === '') {
    throw new EnrootError(`Invalid fstab entry in ${origin}: ${line.trim()} (expected SOURCE TARGET [TYPE [OPTIONS [FREQ [PASSNO]]]])`);
  }
  const passno = integer(fields[5]);
  return { source, target, type, options, pass: passno !== 0 ? passno : integer(fields[4]), origin };
}

export function parseFstab(text: string, origin: string): FstabEntry[] {
  const entries: FstabEntry[] = [];
  for (const line of text.split('\n')) {
    const entry = parseFstabLine(line, origin);
    if (entry !== null) entries.push(entry);
  }
  return entries;
}

/** A `--mount` value: fields separated by colons instead of blanks. */
export function mountOptionToFstab(value: string): string {
  return value.split(':').join(' ');
}

/** TEXT as one fstab field: backslash, blanks and newlines escaped in octal (hooks::fstab_escape). */
export function escapeFstabField(text: string): string {
  return text.replace(/[\\ \t\n]/g, (char) => `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`);
}
