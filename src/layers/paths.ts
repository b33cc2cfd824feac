// Member names as paths inside the image: leading '/' and './' removed, '.' and empty components dropped,
// and any '..' component refused (GNU tar refuses such members too), so no name can point outside the root.

/** The components of `name` ([] is the root), or the reason the name is refused. */
export function entryPathComponents(name: string): string[] | { refused: string } {
  const components: string[] = [];
  for (const component of name.split('/')) {
    if (component === '' || component === '.') continue;
    if (component === '..') return { refused: "its name contains '..'" };
    components.push(component);
  }
  return components;
}

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

/** What a base name means under the OCI layer rules. */
export type NameRole = { role: 'plain' } | { role: 'opaque' } | { role: 'whiteout'; target: string } | { role: 'invalid'; reason: string };

export function roleOfName(base: string): NameRole {
  if (!base.startsWith(WHITEOUT_PREFIX)) return { role: 'plain' };
  if (base === OPAQUE_MARKER) return { role: 'opaque' };
  if (base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) return { role: 'invalid', reason: `unsupported whiteout '${base}'` };
  const target = base.slice(WHITEOUT_PREFIX.length);
  if (target === '' || target === '.' || target === '..') return { role: 'invalid', reason: `whiteout '${base}' names no sibling` };
  return { role: 'whiteout', target };
}

/** Members below `dev/` are left out, as the reference does; `dev` itself is kept. */
export function isUnderDev(components: string[]): boolean {
  return components.length > 1 && components[0] === 'dev';
}
