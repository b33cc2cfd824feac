// `${NAME}` substitution in environment and fstab files (spec 9.6): only that exact syntax,
// unset names become empty, substituted text is not rescanned.
export function substitute(text: string, lookup: (name: string) => string | undefined): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name: string) => {
    // A value with newlines would inject lines into a line-based file: keep its first line only.
    const value = lookup(name) ?? '';
    const newline = value.indexOf('\n');
    return newline < 0 ? value : value.slice(0, newline);
  });
}
