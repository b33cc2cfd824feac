// /etc/rc and /etc/rc.local (spec 6.4, 6.5), with every value from the image quoted as one POSIX shell word
// and comments kept to one line each, so no config value can add script lines or break under dash.
import { EnrootError } from '../errors.js';
import type { ImageRuntimeConfig } from './config.js';
import { commentText, shellQuote } from './shell-quote.js';

const DEFAULT_COMMAND = ['/bin/sh'];

function words(values: string[], what: string): string {
  if (values.some((value) => value.includes('\0'))) {
    throw new EnrootError(`the image config's ${what} contains a NUL character, which no command line can carry: fix the image`);
  }
  return values.map(shellQuote).join(' ');
}

/** The text of /etc/rc; `provenanceUri` is the reference form of the source (see provenance.ts). */
export function rcScript(config: ImageRuntimeConfig, provenanceUri: string): string {
  const workdir = shellQuote(config.workingDir === '' ? '/' : config.workingDir);
  const cmd = config.entrypoint.length === 0 && config.cmd.length === 0 ? DEFAULT_COMMAND : config.cmd;
  const entrypoint = words(config.entrypoint, 'Entrypoint');
  const labels = config.labels.map(([key, value]) => `# ${commentText(key)} ${commentText(value)}\n`).join('');
  return `# enroot-provenance: ${commentText(provenanceUri)}\n${labels}
mkdir -p ${workdir} 2> /dev/null
cd ${workdir} && unset OLDPWD || exit 1

if [ -s /etc/rc.local ]; then
    . /etc/rc.local
fi

if [ $# -gt 0 ]; then
    exec ${entrypoint} "$@"
else
    exec ${entrypoint} ${words(cmd, 'Cmd')}
fi
`;
}

export const RC_LOCAL = `# This file is sourced by /etc/rc when the container starts.
# It may change the working directory, the environment, or the entrypoint and command ("$@").
`;
