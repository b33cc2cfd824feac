// Login setup inside the container (spec 9.11), from its /etc/login.defs and /etc/passwd:
// default variables (only where unset), umask, file-size limit, home directory, motd files.
import fs from 'node:fs';
import { EnrootError } from '../errors.js';
import { changeDirectory, setFileSizeLimit } from '../sys/process.js';

export interface LoginState {
  env: Record<string, string>;
  defs: Map<string, string>;
  /** Print this (the nologin file) and exit 0 instead of running anything. */
  nologin?: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

const LOCALE_VARIABLES = [
  'LANG', 'LANGUAGE', 'LC_CTYPE', 'LC_NUMERIC', 'LC_TIME', 'LC_COLLATE', 'LC_MONETARY', 'LC_MESSAGES',
  'LC_PAPER', 'LC_NAME', 'LC_ADDRESS', 'LC_TELEPHONE', 'LC_MEASUREMENT', 'LC_IDENTIFICATION',
];

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function parseLoginDefs(text: string): Map<string, string> {
  const defs = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [key, value] = line.split(/[ \t="]+/).filter((token) => token !== '');
    if (key === undefined || key.startsWith('#')) continue;
    defs.set(key, value ?? '');
  }
  return defs;
}

export function defsFlag(defs: Map<string, string>, key: string): boolean {
  return /^(yes|true)$/i.test(defs.get(key) ?? '');
}

function passwdEntry(uid: number): PasswdEntry | undefined {
  for (const line of (readText('/etc/passwd') ?? '').split('\n')) {
    const [name, , uidText, gidText, , home, shell] = line.split(':');
    if (name === undefined || uidText === undefined || Number(uidText) !== uid || uidText === '') continue;
    return { name, uid, gid: Number(gidText), home: home ?? '', shell: shell ?? '' };
  }
  return undefined;
}

function groupName(gid: number): string | undefined {
  for (const line of (readText('/etc/group') ?? '').split('\n')) {
    const [name, , gidText] = line.split(':');
    if (name !== undefined && gidText !== undefined && gidText !== '' && Number(gidText) === gid) return name;
  }
  return undefined;
}

function firstLine(file: string): string | undefined {
  return readText(file)?.split('\n')[0];
}

function setDefault(env: Record<string, string>, name: string, value: string | undefined): void {
  if (value !== undefined && env[name] === undefined) env[name] = value;
}

function applyUmask(defs: Map<string, string>, user: PasswdEntry | undefined): void {
  const text = defs.get('UMASK');
  if (text === undefined || !/^[0-7]+$/.test(text)) return;
  let mask = parseInt(text, 8);
  if (user !== undefined && user.uid !== 0 && defsFlag(defs, 'USERGROUPS_ENAB') && user.uid === user.gid && groupName(user.gid) === user.name) {
    mask = (mask & ~0o070) | ((mask & 0o700) >> 3);
  }
  process.umask(mask);
}

/** Runs the login setup in the current root (the container's). */
export function loginSetup(initial: Record<string, string>, innerUid: number, outerUid: number, warn: (message: string) => void): LoginState {
  const defs = parseLoginDefs(readText('/etc/login.defs') ?? '');
  const env = { ...initial };
  const nologinFile = defs.get('NOLOGINS_FILE') ?? '/etc/nologin';
  if (innerUid !== 0 && fs.existsSync(nologinFile)) return { env, defs, nologin: readText(nologinFile) ?? '' };
  const user = passwdEntry(innerUid);
  setDefault(env, 'TERM', 'dumb');
  setDefault(env, 'HOME', user?.home);
  setDefault(env, 'SHELL', user?.shell);
  setDefault(env, 'USER', user?.name);
  setDefault(env, 'LOGNAME', passwdEntry(outerUid)?.name);
  const pathSetting = defs.get(innerUid === 0 ? 'ENV_SUPATH' : 'ENV_PATH')?.replace(/^PATH=/, '');
  setDefault(env, 'PATH', pathSetting ?? (innerUid === 0 ? '/bin:/usr/bin:/sbin:/usr/sbin' : '/usr/local/bin:/bin:/usr/bin'));
  if (defsFlag(defs, 'MAIL_CHECK_ENAB') && env.USER !== undefined) {
    const mailDir = defs.get('MAIL_DIR');
    const mailFile = defs.get('MAIL_FILE');
    setDefault(env, 'MAIL', mailDir !== undefined ? `${mailDir}/${env.USER}` : mailFile !== undefined && env.HOME !== undefined ? `${env.HOME}/${mailFile}` : `/var/mail/${env.USER}`);
  }
  const tz = defs.get('ENV_TZ');
  if (tz !== undefined) setDefault(env, 'TZ', (tz.startsWith('/') ? firstLine(tz) : tz)?.replace(/^TZ=/, ''));
  const locale = readText('/etc/locale.conf');
  if (locale !== null) {
    for (const line of locale.split('\n')) {
      const eq = line.indexOf('=');
      const name = line.slice(0, eq);
      if (eq > 0 && LOCALE_VARIABLES.includes(name)) setDefault(env, name, line.slice(eq + 1).replace(/^"(.*)"$/, '$1'));
    }
  }
  applyUmask(defs, user);
  const ulimit = defs.get('ULIMIT');
  if (ulimit !== undefined && /^-?\d+$/.test(ulimit)) setFileSizeLimit(Number(ulimit) < 0 ? -1 : Number(ulimit) * 512);
  const home = env.HOME ?? '/';
  if (!changeDirectory(home)) {
    if (!defsFlag(defs, 'DEFAULT_HOME')) throw new EnrootError(`Could not change directory to the home directory ${home} inside the container (set HOME with --env, or DEFAULT_HOME yes in its /etc/login.defs)`);
    warn(`Could not change directory to ${home}: starting in /`);
    changeDirectory('/');
  }
  return { env, defs };
}
