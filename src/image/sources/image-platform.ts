// The platform an image config declares, completed from the index entry that led to it.
import type { Platform } from '../../reference/platform.js';

export function configPlatform(config: Record<string, unknown>, fallback: Platform | undefined): Platform {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const platform: Platform = {
    os: text(config.os) ?? fallback?.os ?? '',
    architecture: text(config.architecture) ?? fallback?.architecture ?? '',
  };
  const variant = text(config.variant) ?? fallback?.variant;
  if (variant !== undefined) platform.variant = variant;
  return platform;
}
