// `WWW-Authenticate` challenges (RFC 7235 section 4.1): one or more challenges per header, any number of
// headers, parameters as `name=token` or `name="quoted \" string"`, separated by commas and optional blanks.

export interface Challenge {
  /** Lowercase scheme name, e.g. `bearer`. */
  scheme: string;
  /** Parameters by lowercase name. */
  params: Map<string, string>;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;

class Scanner {
  position = 0;

  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string | undefined {
    return this.text[this.position];
  }

  skip(characters: string): void {
    while (!this.done && characters.includes(this.text[this.position] as string)) this.position += 1;
  }

  token(): string | undefined {
    TOKEN.lastIndex = this.position;
    const match = TOKEN.exec(this.text);
    if (match === null) return undefined;
    this.position = TOKEN.lastIndex;
    return match[0];
  }

  /** An unquoted value: a token by the RFC, read leniently up to the next blank or comma (unquoted URLs exist). */
  bareValue(): string {
    const start = this.position;
    while (!this.done && !' \t,'.includes(this.text[this.position] as string)) this.position += 1;
    return this.text.slice(start, this.position);
  }

  /** A quoted-string, starting at its opening quote; backslash escapes the next character. */
  quoted(): string {
    let value = '';
    this.position += 1;
    while (!this.done) {
      const character = this.text[this.position] as string;
      this.position += 1;
      if (character === '"') return value;
      if (character === '\\' && !this.done) {
        value += this.text[this.position];
        this.position += 1;
      } else {
        value += character;
      }
    }
    return value;
  }

  /** Moves past the next comma (recovery from malformed input). */
  skipPastComma(): void {
    const comma = this.text.indexOf(',', this.position);
    this.position = comma < 0 ? this.text.length : comma + 1;
  }
}

/** Reads `name = value` pairs into `params` until the next challenge's scheme or the end. */
function readParameters(scanner: Scanner, params: Map<string, string>): void {
  for (;;) {
    const start = scanner.position;
    scanner.skip(' \t,');
    const name = scanner.token();
    if (name === undefined) return;
    scanner.skip(' \t');
    if (scanner.peek() !== '=') {
      // A bare token after a comma starts the next challenge.
      scanner.position = start;
      return;
    }
    scanner.position += 1;
    scanner.skip(' \t');
    const value = scanner.peek() === '"' ? scanner.quoted() : scanner.bareValue();
    params.set(name.toLowerCase(), value);
  }
}

function parseHeader(text: string, into: Challenge[]): void {
  const scanner = new Scanner(text);
  for (;;) {
    scanner.skip(' \t,');
    if (scanner.done) return;
    const scheme = scanner.token();
    if (scheme === undefined) {
      scanner.skipPastComma();
      continue;
    }
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: new Map() };
    into.push(challenge);
    readParameters(scanner, challenge.params);
  }
}

/** Every challenge in the given `WWW-Authenticate` header values, in order. */
export function parseChallenges(headers: readonly string[]): Challenge[] {
  const challenges: Challenge[] = [];
  for (const header of headers) parseHeader(header, challenges);
  return challenges;
}
