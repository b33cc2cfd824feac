// Options and texts that several commands share.
import type { OptionSpec } from './command.js';

export const archOption: OptionSpec = {
  short: 'a',
  long: 'arch',
  value: 'ARCH',
  help: "Platform to pick from a multi-platform image: x86_64, aarch64, ppc64le, amd64, arm64, arm64/v8 (default: this machine's)",
};

export const forceOption = (help: string): OptionSpec => ({ short: 'f', long: 'force', help });

export const outputOption = (value: string, help: string): OptionSpec => ({ short: 'o', long: 'output', value, help });

export const nameOption: OptionSpec = { short: 'n', long: 'name', value: 'NAME', help: 'Name of the container (default: derived from the image)' };

export const envOption: OptionSpec = {
  short: 'e',
  long: 'env',
  value: 'KEY[=VAL]',
  repeatable: true,
  help: 'Set an environment variable, or pass one from the host (repeatable)',
};

export const registrySchemes = [
  ['docker://[USER@][REGISTRY#]IMAGE[:TAG|@DIGEST]', 'An image in a registry (default registry: Docker Hub)'],
] as const;

export const localSchemes = [
  ['dockerd://IMAGE[:TAG]', "An image in the local Docker store (pulled for --arch when missing), read through docker save"],
  ['podman://IMAGE[:TAG]', 'An image in the local Podman store (pulled for --arch when missing), read through podman save'],
  ['docker-archive://PATH', 'A tar written by docker save or podman save (one image; default output: PATH without .tar)'],
  ['oci-archive://PATH', 'A tar of an OCI image layout (platform chosen by --arch; default output: PATH without .tar)'],
  ['oci://DIR', 'An OCI image layout directory (platform chosen by --arch; default output: the directory name)'],
] as const;
