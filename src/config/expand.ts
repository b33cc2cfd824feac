// The expander for configuration values (enroot.conf, drop-ins and `#ENROOT_` directives).
//
// The reference evaluates each value with `eval echo VALUE`. We keep what users rely on and drop the
// hazards: quotes ('...' and "..."), backslash escapes, $NAME, ${NAME}, ${NAME:-word}, ${NAME-word},
// ${NAME:+word}, ${NAME+word}, command substitution $(...) and `...` (run by /bin/sh with the variables
// known so far), unquoted whitespace collapsed to single spaces, and an unquoted # starting a comment.
// Not supported: pathname globbing (a `*` stays a `*`), arithmetic, and other ${...} forms, which are
// rejected with an error instead of being silently mangled.

export class ExpansionError extends Error {}

export interface ExpansionContext {
  /** The value of a variable, or undefined when it is not set. */
  lookup(name: string): string | undefined;
  /** Runs a command substitution and returns its standard output. */
  runCommand(command: string): string;
}

const NAME_START = /[A-Za-z_]/;
const NAME_REST = /[A-Za-z0-9_]/;
const BLANK = /[ \t\n]/;

/** Collects words; unquoted expansion results are split into fields the way the shell does. */
class WordList {
  private readonly words: string[] = [];
  private current: string | undefined;

  get inWord(): boolean {
    return this.current !== undefined;
  }

  appendLiteral(text: string): void {
    this.current = (this.current ?? '') + text;
  }

  appendFields(text: string): void {
    const fields = text.split(/[ \t\n]+/);
    fields.forEach((field, index) => {
      if (index > 0) this.breakWord();
      if (field !== '') this.appendLiteral(field);
    });
  }

  breakWord(): void {
    if (this.current !== undefined) this.words.push(this.current);
    this.current = undefined;
  }

  join(): string {
    this.breakWord();
    return this.words.join(' ');
  }
}

/** Index just past the character that closes the construct opened at `start` (after the opener). */
function findClosing(text: string, start: number, open: string, close: string): number {
  let depth = 1;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    if (c === open) depth += 1;
    else if (c === close) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
  throw new ExpansionError(`unterminated ${open === '(' ? '$(' : '${'}`);
}

interface Expansion {
  text: string;
  next: number;
}

function stripTrailingNewlines(text: string): string {
  return text.replace(/\n+$/, '');
}

function expandParameter(body: string, context: ExpansionContext): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([\s\S]*))?$/.exec(body);
  if (match === null) throw new ExpansionError(`unsupported expansion \${${body}}`);
  const [, name, operator, word] = match as unknown as [string, string, string | undefined, string | undefined];
  const value = context.lookup(name);
  if (operator === undefined) return value ?? '';
  const isSet = operator.startsWith(':') ? value !== undefined && value !== '' : value !== undefined;
  const useWord = operator.endsWith('-') ? !isSet : isSet;
  if (!useWord) return operator.endsWith('-') ? (value ?? '') : '';
  return expandValue(word ?? '', context);
}

/** Expands the `$...` or backquote construct starting at `start`. Returns null for a lone `$`. */
function expandDollar(text: string, start: number, context: ExpansionContext): Expansion | null {
  if (text[start] === '`') {
    let i = start + 1;
    let command = '';
    while (i < text.length && text[i] !== '`') {
      if (text[i] === '\\' && i + 1 < text.length) {
        command += text[i + 1];
        i += 2;
      } else {
        command += text[i];
        i += 1;
      }
    }
    if (i >= text.length) throw new ExpansionError('unterminated `');
    return { text: stripTrailingNewlines(context.runCommand(command)), next: i + 1 };
  }
  const after = text[start + 1];
  if (after === '(') {
    const end = findClosing(text, start + 2, '(', ')');
    return { text: stripTrailingNewlines(context.runCommand(text.slice(start + 2, end - 1))), next: end };
  }
  if (after === '{') {
    const end = findClosing(text, start + 2, '{', '}');
    return { text: expandParameter(text.slice(start + 2, end - 1), context), next: end };
  }
  if (after !== undefined && NAME_START.test(after)) {
    let end = start + 2;
    while (end < text.length && NAME_REST.test(text[end] as string)) end += 1;
    return { text: context.lookup(text.slice(start + 1, end)) ?? '', next: end };
  }
  return null;
}

const DOUBLE_QUOTE_ESCAPABLE = new Set(['$', '`', '"', '\\', '\n']);

function expandDoubleQuoted(text: string, start: number, context: ExpansionContext): Expansion {
  let result = '';
  let i = start;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') return { text: result, next: i + 1 };
    if (c === '\\' && i + 1 < text.length && DOUBLE_QUOTE_ESCAPABLE.has(text[i + 1] as string)) {
      result += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '$' || c === '`') {
      const expansion = expandDollar(text, i, context);
      if (expansion !== null) {
        result += expansion.text;
        i = expansion.next;
        continue;
      }
    }
    result += c;
    i += 1;
  }
  throw new ExpansionError('unterminated "');
}

/** Expands one configuration value (the text after the key) to the string the setting receives. */
export function expandValue(raw: string, context: ExpansionContext): string {
  const words = new WordList();
  let i = 0;
  while (i < raw.length) {
    const c = raw[i] as string;
    if (BLANK.test(c)) {
      words.breakWord();
      i += 1;
    } else if (c === '#' && !words.inWord) {
      break;
    } else if (c === '\\') {
      if (i + 1 < raw.length) words.appendLiteral(raw[i + 1] as string);
      i += 2;
    } else if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      if (end < 0) throw new ExpansionError("unterminated '");
      words.appendLiteral(raw.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      const quoted = expandDoubleQuoted(raw, i + 1, context);
      words.appendLiteral(quoted.text);
      i = quoted.next;
    } else {
      const expansion = c === '$' || c === '`' ? expandDollar(raw, i, context) : null;
      if (expansion === null) {
        words.appendLiteral(c);
        i += 1;
      } else {
        words.appendFields(expansion.text);
        i = expansion.next;
      }
    }
  }
  return words.join();
}
