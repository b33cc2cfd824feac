// Usage texts: one per command, and the general one listing every command.
import type { Command, OptionSpec } from './command.js';
import type { CatalogEntry } from './catalog.js';

function optionLabel(option: OptionSpec): string {
  const names = option.short === undefined ? `    --${option.long}` : `-${option.short}, --${option.long}`;
  return option.value === undefined ? names : `${names} ${option.value}`;
}

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `   ${left.padEnd(width)}  ${right}`);
}

export function commandUsage(command: Command): string {
  const lines = [`Usage: enroot ${command.name}${command.synopsis === '' ? '' : ` ${command.synopsis}`}`, '', command.description];
  if (command.options.length > 0) {
    lines.push('', ' Options:', ...table(command.options.map((option) => [optionLabel(option), option.help])));
  }
  if (command.schemes !== undefined) lines.push('', ' Schemes:', ...table(command.schemes));
  return `${lines.join('\n')}\n`;
}

/** The usage listing every command of `catalog` (each is loaded for its synopsis and description). */
export async function generalUsage(catalog: readonly CatalogEntry[]): Promise<string> {
  const commands = await Promise.all(catalog.filter((entry) => entry.name !== 'help').map((entry) => entry.load()));
  const lines = [
    'Usage: enroot COMMAND [ARG...]',
    '',
    'Turn container images into squashfs files and run them as unprivileged sandboxes.',
    '',
    ' Commands:',
    ...table(commands.map((command) => [`${command.name} ${command.synopsis}`.trimEnd(), command.description])),
    '',
    'Run "enroot COMMAND --help" for the options of a command.',
  ];
  return `${lines.join('\n')}\n`;
}
