import { EnrootError } from '../errors.js';
import { redactUri } from '../reference/docker-uri.js';
import { fetchManifestDigest } from '../registry/registry-image.js';
import { optionValue, type Command } from './command.js';
import { archOption, registrySchemes } from './shared-options.js';

export const digestCommand: Command = {
  name: 'digest',
  synopsis: '[options] [--] URI',
  description: 'Print the manifest digest of an image in a registry.',
  options: [archOption],
  positionals: { min: 1, max: 1 },
  schemes: registrySchemes,
  async run(parsed, context) {
    const uri = parsed.args[0] as string;
    if (!uri.startsWith('docker://')) throw new EnrootError(`Invalid argument: ${redactUri(uri)} (digest only accepts docker:// URIs)`);
    const arch = optionValue(parsed, 'arch');
    const digest = await fetchManifestDigest(uri, context.settings(), { ...(arch === undefined ? {} : { arch }), log: context.log });
    context.stdout.write(`${digest}\n`);
    return 0;
  },
};
