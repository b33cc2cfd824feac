// The one interface between image sources (a registry, a daemon, an archive) and the consumers that turn
// an image into a squashfs file or a directory (`import`, `load`). A new scheme is one new ImageSource.
import type { Readable } from 'node:stream';
import type { Platform } from './platform.js';

export type { Platform } from './platform.js';

/** The image configuration (OCI image config or Docker container config JSON). */
export interface ImageConfig {
  /** The parsed JSON object. */
  json: Record<string, unknown>;
  /** The exact bytes it was parsed from. */
  bytes: Buffer;
  /** `sha256:<hex>` of `bytes`, when the source names the config by digest. */
  digest?: string;
}

export interface ImageLayer {
  /** `sha256:<hex>` of the compressed blob. */
  digest: string;
  /** For example `application/vnd.oci.image.layer.v1.tar+gzip`; tells the consumer how to decompress. */
  mediaType: string;
  /** Size of the compressed blob in bytes. */
  size: number;
  /**
   * A fresh stream of the compressed blob bytes, verified against `digest` as it is read: a mismatch
   * makes the stream fail with an EnrootError at its end. May be called more than once.
   */
  open(): Readable;
}

export interface ImageSource {
  /**
   * The credential-free canonical URI for provenance (spec 6.8), e.g.
   * `docker://registry-1.docker.io#library/busybox:latest` or `docker://REGISTRY#REPO@sha256:<hex>`.
   */
  uri: string;
  /** `sha256:<hex>` of the image manifest that was used (per-platform for a multi-platform image). */
  manifestDigest?: string;
  /** The platform the caller asked for (`--arch`, default this machine's): compare it with `platform` to warn (spec 6.1). */
  requestedPlatform: Platform;
  /** The platform of the image, as its config states it (falling back to its manifest list entry). */
  platform: Platform;
  config: ImageConfig;
  /** Layers in application order: the base layer first. */
  layers: ImageLayer[];
}
