// A small YAML reader for CDI specs: block mappings and sequences, flow sequences and mappings,
// plain, single- and double-quoted scalars, comments. Anchors, tags and multi-line scalars are not
// used by CDI specs and are rejected with the line that has them.
import { EnrootError } from '../errors.js';

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
  number: number;
}

class Reader {
  private at = 0;
  constructor(private readonly lines: Line[], private readonly file: string) {}

  fail(line: Line | undefined, why: string): never {
    throw new EnrootError(`Invalid YAML in ${this.file}${line === undefined ? '' : ` line ${line.number}`}: ${why}`);
  }

  peek(): Line | undefined {
    return this.lines[this.at];
  }

  /** The block starting at the current line, whose lines are indented by `indent`. */
  block(indent: number): YamlValue {
    const first = this.peek();
    if (first === undefined || first.indent < indent) return null;
    return first.text.startsWith('- ') || first.text === '-' ? this.sequence(first.indent) : this.mapping(first.indent);
  }

  private sequence(indent: number): YamlValue[] {
    const items: YamlValue[] = [];
    for (let line = this.peek(); line !== undefined && line.indent === indent && (line.text.startsWith('- ') || line.text === '-'); line = this.peek()) {
      const rest = line.text.slice(1).trimStart();
      this.at++;
      if (rest === '') {
        items.push(this.block(indent + 1));
      } else if (isMappingStart(rest)) {
        // "- key: value" opens a mapping whose further keys line up with "key".
        const column = indent + line.text.length - rest.length;
        this.lines.splice(this.at, 0, { indent: column, text: rest, number: line.number });
        items.push(this.mapping(column));
      } else {
        items.push(scalarOrFlow(rest, (why) => this.fail(line, why)));
      }
    }
    return items;
  }

  private mapping(indent: number): { [key: string]: YamlValue } {
    const result: { [key: string]: YamlValue } = {};
    for (let line = this.peek(); line !== undefined && line.indent === indent; line = this.peek()) {
      const match = /^("[^"]*"|'[^']*'|[^:#]+?)\s*:(?:\s+(.*))?$/.exec(line.text);
      if (match === null) this.fail(line, 'expected "key: value"');
      this.at++;
      const key = unquote(match[1] as string);
      const rest = match[2] ?? '';
      if (rest !== '') {
        result[key] = scalarOrFlow(rest, (why) => this.fail(line, why));
        continue;
      }
      const next = this.peek();
      // A sequence may sit at the same indentation as its key.
      if (next !== undefined && next.indent === indent && next.text.startsWith('- ')) result[key] = this.block(indent);
      else result[key] = next !== undefined && next.indent > indent ? this.block(next.indent) : null;
    }
    const stray = this.peek();
    if (stray !== undefined && stray.indent > indent) this.fail(stray, 'unexpected indentation');
    return result;
  }
}

function isMappingStart(text: string): boolean {
  return /^("[^"]*"|'[^']*'|[^:#"'[{]+?)\s*:(\s|$)/.test(text);
}

function unquote(text: string): string {
  if (text.startsWith('"')) return JSON.parse(text) as string;
  if (text.startsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  return text.trim();
}

function plainScalar(text: string): YamlValue {
  if (/^(null|~)$/.test(text)) return null;
  if (/^(true|false)$/.test(text)) return text === 'true';
  if (/^-?\d+$/.test(text)) return Number(text);
  return text;
}

/** Splits the inside of a flow collection at top-level commas. */
function splitFlow(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i] as string;
    if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(inner.slice(start).trim());
  return parts.filter((part) => part !== '');
}

function scalarOrFlow(raw: string, fail: (why: string) => never): YamlValue {
  const text = raw.trim();
  if (/^[&*!|>]/.test(text)) fail(`unsupported YAML feature: ${text}`);
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) fail('unterminated flow sequence');
    return splitFlow(text.slice(1, -1)).map((part) => scalarOrFlow(part, fail));
  }
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) fail('unterminated flow mapping');
    const result: { [key: string]: YamlValue } = {};
    for (const part of splitFlow(text.slice(1, -1))) {
      const match = /^("[^"]*"|'[^']*'|[^:]+?)\s*:\s*(.*)$/.exec(part);
      if (match === null) fail(`expected "key: value" in ${text}`);
      result[unquote(match[1] as string)] = scalarOrFlow(match[2] as string, fail);
    }
    return result;
  }
  if (text.startsWith('"') || text.startsWith("'")) return unquote(text);
  return plainScalar(text);
}

/** Removes a comment: a # at the start or after a blank, outside quotes. */
function stripComment(text: string): string {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] as string))) return text.slice(0, i);
  }
  return text;
}

export function parseYaml(text: string, file: string): YamlValue {
  const lines: Line[] = [];
  text.split('\n').forEach((raw, index) => {
    const content = stripComment(raw.replace(/\r$/, '')).trimEnd();
    if (content.trim() === '' || content === '---') return;
    if (/^\t/.test(content)) throw new EnrootError(`Invalid YAML in ${file} line ${index + 1}: tabs cannot indent YAML`);
    lines.push({ indent: content.length - content.trimStart().length, text: content.trim(), number: index + 1 });
  });
  const reader = new Reader(lines, file);
  const value = reader.block(0);
  const rest = reader.peek();
  if (rest !== undefined) reader.fail(rest, 'unexpected content');
  return value;
}
