// The credentials file `ENROOT_CONFIG_PATH/.credentials`, in netrc format: `machine HOST login USER
// password SECRET` entries (on one line or several), `default` entries, `#` comment lines and `macdef`
// blocks. A password that starts with `$` is a shell expression (`$(gcloud auth print-access-token)`,
// `$TOKEN`): like the reference, everything from it to the end of the line is expanded by a shell, but
// only when that entry is used, with the expression given on the shell's standard input (never on a
// command line), and the result kept in memory only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { EnrootError } from '../errors.js';
import type { Settings } from '../config/settings.js';

export interface CredentialEntry {
  /** Undefined for a `default` entry, which matches any host. */
  machine?: string;
  login?: string;
  /** The literal password, or the shell expression when `passwordIsExpression`. */
  password?: string;
  passwordIsExpression: boolean;
}

interface Token {
  text: string;
  /** The rest of the line from the token's start, for `$` password expressions. */
  restOfLine: string;
}

/** Splits netrc text into tokens; `"quoted tokens"` may contain blanks; lines starting with `#` are comments. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const line of text.split('\n')) {
    if (line.trimStart().startsWith('#')) continue;
    const pattern = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
    for (let match = pattern.exec(line); match !== null; match = pattern.exec(line)) {
      const value = match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] as string);
      tokens.push({ text: value, restOfLine: line.slice(match.index).trimEnd() });
    }
    tokens.push({ text: '\n', restOfLine: '' });
  }
  return tokens;
}

/** Parses netrc text into its entries, in file order. */
export function parseNetrc(text: string): CredentialEntry[] {
  const entries: CredentialEntry[] = [];
  const tokens = tokenize(text);
  let current: CredentialEntry | undefined;
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index] as Token;
    if (token.text === '\n') continue;
    const next = (): Token | undefined => {
      while (tokens[index + 1]?.text === '\n') index += 1;
      index += 1;
      return tokens[index];
    };
    switch (token.text) {
      case 'machine':
      case 'default': {
        current = { passwordIsExpression: false };
        if (token.text === 'machine') current.machine = next()?.text;
        entries.push(current);
        break;
      }
      case 'login':
        if (current !== undefined) current.login = next()?.text;
        else next();
        break;
      case 'password': {
        const value = next();
        if (current === undefined || value === undefined) break;
        current.passwordIsExpression = value.text.startsWith('$');
        current.password = current.passwordIsExpression ? value.restOfLine : value.text;
        // The expression runs to the end of its line: skip its other words.
        if (current.passwordIsExpression) while (index + 1 < tokens.length && tokens[index + 1]?.text !== '\n') index += 1;
        break;
      }
      case 'account':
        next();
        break;
      case 'macdef':
        // A macro runs until the next empty line.
        current = undefined;
        while (index + 1 < tokens.length && !(tokens[index]?.text === '\n' && tokens[index + 1]?.text === '\n')) index += 1;
        break;
      default:
        break;
    }
  }
  return entries;
}

/** A host name (with its port, if any) and the same without the port: netrc machines rarely carry ports. */
export function hostNames(host: string): string[] {
  const withoutPort = host.replace(/:\d+$/, '');
  return withoutPort === host ? [host] : [host, withoutPort];
}

export interface ResolvedCredentials {
  login: string;
  password: string;
}

export class CredentialStore {
  private readonly evaluated = new Map<CredentialEntry, Promise<string>>();

  constructor(
    /** The credentials file path, for messages. */
    readonly file: string,
    private readonly entries: CredentialEntry[],
    private readonly environment: Record<string, string>,
  ) {}

  /** The store of `ENROOT_CONFIG_PATH/.credentials` (empty when the file does not exist). */
  static load(settings: Settings): CredentialStore {
    const file = path.join(settings.path('ENROOT_CONFIG_PATH'), '.credentials');
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        throw new EnrootError(`Could not read the credentials file ${file} (${code ?? 'error'}): check its permissions`);
      }
    }
    return new CredentialStore(file, parseNetrc(text), settings.environment());
  }

  /**
   * The first entry for one of `hosts` (tried in order of preference) whose login is `login` when given;
   * a `default` entry counts for any host, after every named one.
   */
  find(hosts: readonly string[], login?: string): CredentialEntry | undefined {
    const usable = (entry: CredentialEntry) => entry.login !== undefined && (login === undefined || entry.login === login);
    for (const host of hosts) {
      const entry = this.entries.find((candidate) => candidate.machine === host && usable(candidate));
      if (entry !== undefined) return entry;
    }
    return this.entries.find((candidate) => candidate.machine === undefined && usable(candidate));
  }

  /** The login and password of an entry, running its password expression (once) if it has one. */
  async resolve(entry: CredentialEntry): Promise<ResolvedCredentials> {
    const login = entry.login as string;
    if (!entry.passwordIsExpression) return { login, password: entry.password ?? '' };
    let password = this.evaluated.get(entry);
    if (password === undefined) {
      password = this.evaluate(entry);
      this.evaluated.set(entry, password);
    }
    return { login, password: await password };
  }

  /** Expands a password expression like `echo` in a shell would (word splitting, joined by spaces). */
  private evaluate(entry: CredentialEntry): Promise<string> {
    const where = `the password of ${entry.machine ?? 'the default entry'} in ${this.file}`;
    return new Promise((resolve, reject) => {
      const shell = spawn('bash', ['-s'], { env: this.environment, stdio: ['pipe', 'pipe', 'inherit'] });
      const output: Buffer[] = [];
      shell.stdout.on('data', (chunk: Buffer) => output.push(chunk));
      shell.on('error', (err) => reject(new EnrootError(`Could not run bash to expand ${where}: ${err.message}`)));
      shell.on('close', () => {
        const password = Buffer.concat(output).toString('utf8').replace(/\n+$/, '');
        if (password === '') reject(new EnrootError(`Expanding ${where} gave an empty password: check the command in it`));
        else resolve(password);
      });
      shell.stdin.on('error', () => {}); // a shell that exits early is judged by its output
      // The group is parsed whole before it runs, and reads /dev/null: a command in the expression cannot
      // swallow the rest of the script.
      shell.stdin.end(`{ set -- ${entry.password ?? ''}\nprintf '%s' "$*"\n} </dev/null\n`);
    });
  }
}
