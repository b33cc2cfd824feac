// What a GPU backend asks to be done to a container, in the shape of CDI's containerEdits: device
// nodes, mounts, environment lines and hooks, plus the driver symlinks and linker-cache refresh of
// the built-in discovery.
export interface MountEdit {
  hostPath: string;
  containerPath: string;
  /** fstab options (bind, ro, nosuid...); `type` other than none means a filesystem mount. */
  options: string[];
  type?: string;
}

export interface HookEdit {
  hookName: string;
  path: string;
  args: string[];
  env: string[];
}

export interface ContainerEdits {
  /** Device nodes: host path and path inside the container. */
  deviceNodes: { hostPath: string; path: string }[];
  mounts: MountEdit[];
  env: string[];
  hooks: HookEdit[];
  /** Symlinks created inside the container: `link` (container path) pointing at `target`. */
  symlinks: { link: string; target: string }[];
  /** Container directories whose libraries the container's linker cache must list. */
  libraryDirs: string[];
}

export function emptyEdits(): ContainerEdits {
  return { deviceNodes: [], mounts: [], env: [], hooks: [], symlinks: [], libraryDirs: [] };
}

export function mergeEdits(into: ContainerEdits, more: ContainerEdits): ContainerEdits {
  into.deviceNodes.push(...more.deviceNodes);
  into.mounts.push(...more.mounts);
  into.env.push(...more.env);
  into.hooks.push(...more.hooks);
  into.symlinks.push(...more.symlinks);
  into.libraryDirs.push(...more.libraryDirs);
  return into;
}
