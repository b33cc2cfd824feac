// Picking one image out of a multi-platform index: same os and architecture, and the same variant when
// one was asked for (an absent variant means the architecture's default: arm64 is v8, amd64 is v1).
import { EnrootError } from '../errors.js';
import { formatPlatform, type Platform } from '../reference/platform.js';
import type { Descriptor } from './manifest.js';

const DEFAULT_VARIANTS: Readonly<Record<string, string>> = { arm64: 'v8', amd64: 'v1', arm: 'v7' };

function variantOf(platform: Platform): string | undefined {
  return platform.variant ?? DEFAULT_VARIANTS[platform.architecture];
}

/** Attestations and other non-images are listed with platform unknown/unknown. */
function isImagePlatform(platform: Platform | undefined): platform is Platform {
  return platform !== undefined && platform.os !== 'unknown' && platform.architecture !== 'unknown';
}

/**
 * The index entry for `wanted`: with a variant asked for, the entry of that variant; without one, the
 * entry of the default variant if there is one, else the first entry of the architecture.
 */
export function selectPlatform(manifests: readonly Descriptor[], wanted: Platform, where: string): Descriptor {
  const candidates = manifests.filter(
    (entry) => entry.platform?.os === wanted.os && entry.platform.architecture === wanted.architecture,
  );
  const sameVariant = candidates.find((entry) => variantOf(entry.platform as Platform) === variantOf(wanted));
  const chosen = wanted.variant !== undefined ? sameVariant : (sameVariant ?? candidates[0]);
  if (chosen !== undefined) return chosen;
  const offered = [...new Set(manifests.map((entry) => entry.platform).filter(isImagePlatform).map(formatPlatform))];
  const listing = offered.length > 0 ? `it offers ${offered.join(', ')}` : 'it lists no platforms';
  throw new EnrootError(`No image for platform ${formatPlatform(wanted)} in ${where}; ${listing}: choose one with --arch`);
}
