// The configuration script of `start --conf` and `batch` (spec 11.3). One bash process sources it
// (its top-level output is shown) and then stays up, running its functions when setup reaches them,
// so the script's state and exported variables are those of a single sourcing, as in the reference.
import type { ChildProcess } from 'node:child_process';
import { childProcess, readline } from '../lazy-builtins.js';
import { once } from 'node:events';
import fs from 'node:fs';
import { EnrootError } from '../errors.js';

// fd 3 carries requests, fd 4 replies; they move to high numbers so the script keeps 3 and 4.
const SERVER = `
set -euo pipefail
exec 200<&3 201>&4 3<&- 4>&-
__enroot_helpers=$1
shift
source "$0"
__enroot_run() { if declare -F "$1" >/dev/null; then "$@"; fi; }
printf 'ready\\n' >&201
while IFS=' ' read -r __enroot_step __enroot_file <&200; do
  case "$__enroot_step" in
    environ) __enroot_run environ >>"$__enroot_file" ;;
    mounts) __enroot_run mounts >>"$__enroot_file" ;;
    hooks) PATH="$__enroot_helpers:$PATH" __enroot_run hooks >/dev/null ;;
    rc) if declare -F rc >/dev/null; then declare -f rc | sed '1,2d;$d' >"$__enroot_file"; fi ;;
    exports) for __enroot_name in $(compgen -e); do printf '%s=%s\\0' "$__enroot_name" "\${!__enroot_name}"; done >"$__enroot_file" ;;
  esac
  printf 'done\\n' >&201
done
`;

/** Variables bash sets by itself: not taken over from the script's exports. */
const SHELL_VARIABLES = new Set(['_', 'SHLVL', 'PWD', 'OLDPWD']);

export class ConfigScript {
  private readonly replies: AsyncIterator<string>;

  private constructor(
    private readonly file: string,
    private readonly child: ChildProcess,
  ) {
    this.replies = readline().createInterface({ input: child.stdio[4] as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  }

  /**
   * Sources the script with `$@` = the container command; its top-level stdout is shown.
   * `helpersDir` (with enroot-mount) is put in PATH while hooks() runs.
   */
  static async start(file: string, args: readonly string[], env: NodeJS.ProcessEnv, helpersDir: string): Promise<ConfigScript> {
    const child = childProcess().spawn('bash', ['-c', SERVER, file, helpersDir, ...args], { stdio: ['inherit', 'inherit', 'inherit', 'pipe', 'pipe'], env });
    const script = new ConfigScript(file, child);
    await script.reply('sourcing');
    return script;
  }

  /** Appends the output of environ() to `file`. */
  environ(file: string): Promise<void> {
    return this.request('environ', file);
  }

  mounts(file: string): Promise<void> {
    return this.request('mounts', file);
  }

  hooks(): Promise<void> {
    return this.request('hooks', '-');
  }

  /** The body of rc(), or null when the script has none. */
  async rc(scratch: string): Promise<string | null> {
    fs.rmSync(scratch, { force: true });
    await this.request('rc', scratch);
    return fs.existsSync(scratch) ? fs.readFileSync(scratch, 'utf8') : null;
  }

  /** The variables the script exported (or changed) that the rest of setup must see. */
  async exports(scratch: string): Promise<Record<string, string>> {
    await this.request('exports', scratch);
    const exported: Record<string, string> = {};
    for (const entry of fs.readFileSync(scratch, 'utf8').split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0 && !SHELL_VARIABLES.has(entry.slice(0, eq))) exported[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    fs.rmSync(scratch, { force: true });
    return exported;
  }

  /** Ends the bash process and waits for it, so that it leaves no zombie behind in the container. */
  async close(): Promise<void> {
    (this.child.stdio[3] as NodeJS.WritableStream).end();
    if (this.child.exitCode === null && this.child.signalCode === null) await once(this.child, 'exit');
  }

  private async request(step: string, file: string): Promise<void> {
    (this.child.stdio[3] as NodeJS.WritableStream).write(`${step} ${file}\n`);
    await this.reply(`${step}()`);
  }

  private async reply(step: string): Promise<void> {
    const next = await this.replies.next();
    if (next.done !== true) return;
    const [code, signal] = (this.child.exitCode !== null || this.child.signalCode !== null
      ? [this.child.exitCode, this.child.signalCode]
      : await once(this.child, 'exit')) as [number | null, string | null];
    const status = code ?? `signal ${signal ?? 'unknown'}`;
    throw new EnrootError(`${this.file} failed while ${step === 'sourcing' ? 'being sourced' : `running ${step}`}: exit status ${status}`);
  }
}
