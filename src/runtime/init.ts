// The container's first program (spec 9.11): the shell that runs the command script, the command,
// or an interactive session, as a login shell unless ENROOT_LOGIN_SHELL is off.
import fs from 'node:fs';
import path from 'node:path';
import { memoryFile } from '../sys/files.js';
import type { LoginState } from './login.js';

export interface InitRequest {
  env: Record<string, string>;
  login: LoginState | null;
  /** The --rc or rc() script text, which replaces /etc/rc. */
  rcScript: string | null;
  command: readonly string[];
}

export interface InitProgram {
  file: string;
  argv: string[];
  env: Record<string, string>;
  /** Text to print before running (the motd). */
  banner: string;
}

function isExecutable(file: string | undefined): file is string {
  if (file === undefined || file === '') return false;
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function chooseShell(request: InitRequest, env: Record<string, string>): string {
  const fake = request.login?.defs.get('FAKE_SHELL');
  if (isExecutable(fake)) return fake;
  if (isExecutable(env.SHELL)) return env.SHELL;
  return '/bin/sh';
}

/** The script the shell runs: an in-memory copy of the override, or the image's /etc/rc. */
function commandScript(rcScript: string | null): string | null {
  if (rcScript !== null) {
    const fd = memoryFile('enroot-rc');
    fs.writeSync(fd, rcScript);
    return `/proc/self/fd/${fd}`;
  }
  return fs.existsSync('/etc/rc') ? '/etc/rc' : null;
}

function runsDirectly(command: string): boolean {
  try {
    fs.accessSync(command, fs.constants.R_OK | fs.constants.X_OK);
    return true;
  } catch {
    return !fs.existsSync(command);
  }
}

function motd(login: LoginState | null): string {
  if (login === null) return '';
  const hushlogin = login.defs.get('HUSHLOGIN_FILE');
  if (hushlogin !== undefined && fs.existsSync(hushlogin)) return '';
  return (login.defs.get('MOTD_FILE') ?? '')
    .split(':')
    .filter((file) => file !== '')
    .map((file) => {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        return '';
      }
    })
    .join('');
}

export function initProgram(request: InitRequest): InitProgram {
  const env = request.login?.env ?? request.env;
  const shell = chooseShell(request, env);
  const name = path.basename(shell);
  const argv0 = request.login === null ? name : `-${name}`;
  const script = commandScript(request.rcScript);
  const [command, ...args] = request.command;
  let argv: string[];
  let banner = '';
  if (script !== null) argv = [argv0, script, ...request.command];
  else if (command === undefined) {
    argv = [argv0];
    banner = motd(request.login);
  } else if (command.includes(' ')) argv = [argv0, '-c', command, name, ...args];
  else if (runsDirectly(command)) argv = [argv0, '-c', 'exec "$@"', name, command, ...args];
  else argv = [argv0, command, ...args];
  return { file: shell, argv, env, banner };
}
