// The one source of truth for settings: the environment, the system configuration file and its
// drop-ins, built-in defaults, `#ENROOT_` directives and command-line flags, with where each came from.
//
// Precedence (lowest to highest): built-in defaults < enroot.conf < enroot.conf.d/*.conf in name order
// (later files win, and within a file later lines win) < the environment (when non-empty)
// < `#ENROOT_` directives of a --conf or batch script < flags. Flags can only enable.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { childProcess } from '../lazy-builtins.js';
import { EnrootError } from '../errors.js';
import { expandValue, ExpansionError } from './expand.js';
import { configurationFiles, parseDirectives, readConfigFile, type ConfigAssignment } from './file.js';
import { isFalseSpelling, SETTINGS, SETTINGS_BY_NAME } from './keys.js';
import { COMPATIBLE_VERSION, systemConfigFile } from './install.js';

export type SettingSource =
  | { kind: 'environment' }
  | { kind: 'default' }
  | { kind: 'file'; file: string }
  | { kind: 'directive'; file: string }
  | { kind: 'option'; option: string };

export function describeSource(source: SettingSource | undefined): string {
  if (source === undefined) return 'not set';
  switch (source.kind) {
    case 'environment':
    case 'default':
      return source.kind;
    case 'file':
      return source.file;
    case 'directive':
      return `directive in ${source.file}`;
    case 'option':
      return `option ${source.option}`;
  }
}

export interface LoadOptions {
  /** The environment to start from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

const XDG_DEFAULTS: readonly [string, (home: string) => string][] = [
  ['XDG_DATA_HOME', (home) => `${home}/.local/share`],
  ['XDG_CONFIG_HOME', (home) => `${home}/.config`],
  ['XDG_CACHE_HOME', (home) => `${home}/.cache`],
  ['XDG_RUNTIME_DIR', () => '/run'],
];

/** The caller's home directory from the passwd database, for a process started without HOME. */
function passwdHome(): string {
  try {
    return os.userInfo().homedir;
  } catch {
    throw new EnrootError(`HOME is not set and uid ${process.geteuid?.() ?? '?'} has no passwd entry: set HOME`);
  }
}

export class Settings {
  private constructor(
    private readonly values: Map<string, string>,
    private readonly sources: Map<string, SettingSource>,
    /** The system configuration file that was looked for (it need not exist). */
    readonly configFile: string,
  ) {}

  /** Loads the environment, configuration files and defaults (spec 2.1-2.4). */
  static load(options: LoadOptions = {}): Settings {
    const env = options.env ?? process.env;
    const values = new Map<string, string>();
    const sources = new Map<string, SettingSource>();
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) continue;
      values.set(name, value);
      sources.set(name, { kind: 'environment' });
    }
    const settings = new Settings(values, sources, systemConfigFile(env));
    settings.applyXdgDefaults();
    for (const file of configurationFiles(settings.configFile)) {
      for (const assignment of readConfigFile(file)) settings.assignFromFile(assignment);
    }
    settings.applyBuiltInDefaults();
    settings.removeFalseValues();
    values.set('ENROOT_VERSION', COMPATIBLE_VERSION);
    sources.set('ENROOT_VERSION', { kind: 'default' });
    return settings;
  }

  /**
   * Applies the `#ENROOT_` directives of a --conf or batch script (spec 2.5): they override everything
   * loaded so far, later directives override earlier ones, and false spellings remove values again.
   */
  applyDirectives(file: string): void {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      throw new EnrootError(`No such file or directory: ${path.resolve(file)}`);
    }
    for (const assignment of parseDirectives(text, file)) {
      this.values.set(assignment.key, this.expand(assignment));
      this.sources.set(assignment.key, { kind: 'directive', file });
    }
    this.removeFalseValues();
  }

  /** Turns a boolean setting on because of a command-line flag. */
  enable(name: string, option: string): void {
    this.values.set(name, 'y');
    this.sources.set(name, { kind: 'option', option });
  }

  /** The raw value, or undefined when unset (false values are unset). */
  get(name: string): string | undefined {
    return this.values.get(name);
  }

  source(name: string): SettingSource | undefined {
    return this.values.has(name) ? this.sources.get(name) : undefined;
  }

  /** A boolean setting: true when set to anything but a false spelling. */
  flag(name: string): boolean {
    const value = this.values.get(name);
    return value !== undefined && value !== '';
  }

  /** A whole-number setting; unset counts as 0. */
  integer(name: string): number {
    const value = this.values.get(name) ?? '';
    if (value === '') return 0;
    if (!/^\d+$/.test(value)) {
      throw new EnrootError(`Invalid value for ${name}: "${value}" (expected a whole number, e.g. ${name}=4)`);
    }
    return Number(value);
  }

  /** A directory setting, as an absolute path. */
  path(name: string): string {
    const value = this.values.get(name) ?? '';
    if (value === '') throw new EnrootError(`${name} is not set: set it to a directory`);
    return path.resolve(value);
  }

  /** Every variable as it should be passed to child processes (hooks, tools). */
  environment(): Record<string, string> {
    return Object.fromEntries(this.values);
  }

  /** The exported ENROOT_ variables, sorted by name. */
  enrootVariables(): [string, string][] {
    return [...this.values].filter(([name]) => name.startsWith('ENROOT_')).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private applyXdgDefaults(): void {
    if ((this.values.get('HOME') ?? '') === '') this.setDefault('HOME', passwdHome());
    const home = this.values.get('HOME') as string;
    for (const [name, fallback] of XDG_DEFAULTS) {
      if ((this.values.get(name) ?? '') === '') this.setDefault(name, fallback(home));
    }
  }

  private assignFromFile(assignment: ConfigAssignment): void {
    const current = this.values.get(assignment.key);
    if (current !== undefined && current !== '' && this.sources.get(assignment.key)?.kind === 'environment') return;
    this.values.set(assignment.key, this.expand(assignment));
    this.sources.set(assignment.key, { kind: 'file', file: assignment.file });
  }

  private applyBuiltInDefaults(): void {
    const snapshot = Object.fromEntries(this.values);
    for (const definition of SETTINGS) {
      if (definition.fallback === undefined || (this.values.get(definition.name) ?? '') !== '') continue;
      this.setDefault(definition.name, definition.fallback(snapshot));
    }
  }

  private removeFalseValues(): void {
    for (const [name, value] of this.values) {
      if (name.startsWith('ENROOT_') && isFalseSpelling(name, value)) this.values.delete(name);
    }
  }

  private setDefault(name: string, value: string): void {
    this.values.set(name, value);
    this.sources.set(name, { kind: 'default' });
  }

  private expand(assignment: ConfigAssignment): string {
    try {
      return expandValue(assignment.raw, {
        lookup: (name) => this.values.get(name),
        runCommand: (command) => this.runCommand(command),
      });
    } catch (err) {
      if (!(err instanceof ExpansionError)) throw err;
      throw new EnrootError(`Invalid value for ${assignment.key} in ${assignment.file} line ${assignment.line}: ${err.message}`);
    }
  }

  private runCommand(command: string): string {
    try {
      return childProcess().execFileSync('/bin/sh', ['-c', command], {
        env: this.environment(),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
    } catch (err) {
      // Like the shell: a failing command substitution yields whatever it printed.
      const stdout = (err as { stdout?: string }).stdout;
      return typeof stdout === 'string' ? stdout : '';
    }
  }
}

/** Every known setting, for listings: its current value (if any) and its source. */
export function describeSettings(settings: Settings): { name: string; value: string | undefined; source: string }[] {
  const names = new Set([...SETTINGS_BY_NAME.keys(), ...settings.enrootVariables().map(([name]) => name)]);
  return [...names].sort().map((name) => ({ name, value: settings.get(name), source: describeSource(settings.source(name)) }));
}
