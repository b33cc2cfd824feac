// Mellanox HCAs for the standard hook 99-mellanox (spec 11.5): the verbs, interface and management
// devices of each mlx4/mlx5 PCI function, selected by MELLANOX_VISIBLE_DEVICES. Devices are grouped
// by PCI function, so a verbs device always goes with its own interface (the reference paired them
// by enumeration index).
import fs from 'node:fs';
import path from 'node:path';
import { EnrootError } from '../errors.js';
import type { FstabEntry } from '../runtime/fstab.js';
import { hostFile, type HostView } from './host.js';

export interface Hca {
  /** Host sysfs directory of the PCI function. */
  pciDir: string;
  /** Sysfs class entries, each with its resolved host directory: infiniband_verbs/uverbsN... */
  verbs: { name: string; sysfs: string; devnode: string }[];
  interfaces: { name: string; sysfs: string }[];
  mads: { name: string; sysfs: string; devnode: string }[];
}

const DRIVERS_DIR = '/sys/bus/pci/drivers';
const TMPFS_OPTIONS = 'nosuid,noexec,nodev,mode=755,private';
const READ_ONLY_FILE = 'x-create=file,bind,ro,nosuid,noexec,nodev,private';

function list(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function devname(view: HostView, sysfs: string, fallback: string): string {
  try {
    const uevent = fs.readFileSync(hostFile(view, path.join(sysfs, 'uevent')), 'utf8');
    const name = /^DEVNAME=(.+)$/m.exec(uevent)?.[1];
    if (name !== undefined) return `/dev/${name}`;
  } catch {
    // no uevent: the usual name
  }
  return `/dev/infiniband/${fallback}`;
}

/** The host path (as seen from the view) that a sysfs entry resolves to. */
function resolved(view: HostView, file: string): string {
  return path.join('/', path.relative(view.root, fs.realpathSync(hostFile(view, file))));
}

/** The HCAs of the host, in PCI order of mlx4_core then mlx5_core functions. */
export function hostHcas(view: HostView): Hca[] {
  const hcas: Hca[] = [];
  for (const driver of list(hostFile(view, DRIVERS_DIR)).filter((name) => /^mlx\d_core$/.test(name))) {
    for (const fn of list(hostFile(view, path.join(DRIVERS_DIR, driver))).filter((name) => /^[0-9a-f]{4}:/.test(name))) {
      const pciDir = path.join(DRIVERS_DIR, driver, fn);
      const entries = (sub: string): { name: string; sysfs: string }[] =>
        list(hostFile(view, path.join(pciDir, sub))).map((name) => ({ name, sysfs: resolved(view, path.join(pciDir, sub, name)) }));
      const verbs = entries('infiniband_verbs').map((entry) => ({ ...entry, devnode: devname(view, entry.sysfs, entry.name) }));
      if (verbs.length === 0) continue;
      const mads = entries('infiniband_mad').map((entry) => ({ ...entry, devnode: devname(view, entry.sysfs, entry.name) }));
      hcas.push({ pciDir, verbs, interfaces: entries('infiniband'), mads });
    }
  }
  return hcas;
}

export function selectHcas(hcas: readonly Hca[], visible: string): Hca[] {
  if (visible === 'all') return [...hcas];
  return visible.split(',').map((id) => {
    const hca = /^\d+$/.test(id.trim()) ? hcas[Number(id.trim())] : undefined;
    const known = hcas.length === 0 ? 'this host has no HCAs' : `this host has ${hcas.length} HCA(s), ids 0-${hcas.length - 1}`;
    if (hca === undefined) throw new EnrootError(`Unknown MELLANOX device id: ${id} (${known}; MELLANOX_VISIBLE_DEVICES takes all, none or a comma list of ids)`);
    return hca;
  });
}

export interface HcaPlan {
  /** Performed first: tmpfs over the sysfs classes, their abi_version files, the selected devices. */
  entries: FstabEntry[];
  /** Then created inside the tmpfs-covered classes, pointing at the host's sysfs directories. */
  symlinks: { link: string; target: string }[];
}

function entry(source: string, target: string, type: string, options: string): FstabEntry {
  return { source, target, type, options, pass: 0, origin: 'the Mellanox hook' };
}

/** What exposing `selected` takes; management devices only for a real superuser. */
export function hcaPlan(view: HostView, selected: readonly Hca[], superuser: boolean, configDir: string): HcaPlan {
  const entries: FstabEntry[] = [];
  const symlinks: HcaPlan['symlinks'] = [];
  for (const cls of ['infiniband', 'infiniband_verbs', 'infiniband_cm', 'infiniband_mad']) {
    const optional = cls === 'infiniband_cm' ? ',nofail,silent' : '';
    entries.push(entry('tmpfs', `/sys/class/${cls}`, 'tmpfs', `${TMPFS_OPTIONS}${optional}`));
    if (cls !== 'infiniband') entries.push(entry(`/sys/class/${cls}/abi_version`, `/sys/class/${cls}/abi_version`, 'none', `${READ_ONLY_FILE}${optional}`));
  }
  entries.push(entry('/dev/infiniband/rdma_cm', '/dev/infiniband/rdma_cm', 'none', READ_ONLY_FILE));
  if (fs.existsSync(hostFile(view, configDir))) entries.push(entry(configDir, '/etc/libibverbs.d', 'none', 'x-create=dir,rbind,ro,nosuid,nodev,private'));
  for (const hca of selected) {
    for (const verbs of hca.verbs) {
      entries.push(entry(verbs.devnode, verbs.devnode, 'none', READ_ONLY_FILE));
      symlinks.push({ link: `/sys/class/infiniband_verbs/${verbs.name}`, target: verbs.sysfs });
    }
    for (const iface of hca.interfaces) symlinks.push({ link: `/sys/class/infiniband/${iface.name}`, target: iface.sysfs });
    if (!superuser) continue;
    for (const mad of hca.mads) {
      entries.push(entry(mad.devnode, mad.devnode, 'none', READ_ONLY_FILE));
      symlinks.push({ link: `/sys/class/infiniband_mad/${mad.name}`, target: mad.sysfs });
    }
  }
  return { entries, symlinks };
}
