import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalDockerUri,
  parseDockerUri,
  redactUri,
  type DockerReference,
} from '../../src/reference/docker-uri.js';
import { formatPlatform, parseArchitecture } from '../../src/reference/platform.js';
import { EnrootError } from '../../src/errors.js';

const HEX = 'a'.repeat(64);
const HUB = 'registry-1.docker.io';

function parsed(uri: string): Omit<DockerReference, 'user'> & { user?: string } {
  const { user, ...rest } = parseDockerUri(uri);
  return user === undefined ? rest : { ...rest, user: user.password === undefined ? user.login : `${user.login}:${user.password}` };
}

describe('docker:// references (spec 3.1 worked examples)', () => {
  const examples: [string, ReturnType<typeof parsed>][] = [
    ['docker://ubuntu', { registry: HUB, repository: 'library/ubuntu', tag: 'latest' }],
    ['docker://ubuntu:22.04', { registry: HUB, repository: 'library/ubuntu', tag: '22.04' }],
    ['docker://nvidia/cuda:12.0', { registry: HUB, repository: 'nvidia/cuda', tag: '12.0' }],
    ['docker://foo/bar/baz', { registry: HUB, repository: 'foo/bar/baz', tag: 'latest' }],
    ['docker://localhost:5000/foo:bar', { registry: 'localhost:5000', repository: 'foo', tag: 'bar' }],
    ['docker://nvcr.io/nvidia/pytorch:25.06-py3', { registry: 'nvcr.io', repository: 'nvidia/pytorch', tag: '25.06-py3' }],
    ['docker://nvcr.io#nvidia/pytorch:25.06-py3', { registry: 'nvcr.io', repository: 'nvidia/pytorch', tag: '25.06-py3' }],
    ['docker://docker.io/ubuntu', { registry: HUB, repository: 'library/ubuntu', tag: 'latest' }],
    ['docker://docker.io#ubuntu', { registry: HUB, repository: 'library/ubuntu', tag: 'latest' }],
    ['docker://index.docker.io#library/ubuntu:1', { registry: HUB, repository: 'library/ubuntu', tag: '1' }],
    [`docker://ubuntu:22.04@sha256:${HEX}`, { registry: HUB, repository: 'library/ubuntu', digest: `sha256:${HEX}` }],
    [`docker://ubuntu@sha256:${HEX}`, { registry: HUB, repository: 'library/ubuntu', digest: `sha256:${HEX}` }],
    [`docker://quay.io/foo/bar@sha256:${HEX}`, { registry: 'quay.io', repository: 'foo/bar', digest: `sha256:${HEX}` }],
    [`docker://quay.io/foo/bar:1.0@sha256:${HEX}`, { registry: 'quay.io', repository: 'foo/bar', digest: `sha256:${HEX}` }],
    [`docker://reg.example#foo/bar@sha256:${HEX}`, { registry: 'reg.example', repository: 'foo/bar', digest: `sha256:${HEX}` }],
    ['docker://$oauthtoken@nvcr.io#nvidia/cuda:1', { registry: 'nvcr.io', repository: 'nvidia/cuda', tag: '1', user: '$oauthtoken' }],
    ['docker://user:pass@registry.example.com/foo', { registry: 'registry.example.com', repository: 'foo', tag: 'latest', user: 'user:pass' }],
    ['docker://a@b@nvcr.io/x', { registry: 'nvcr.io', repository: 'x', tag: 'latest', user: 'a@b' }],
    ['docker://user@ubuntu', { registry: HUB, repository: 'library/ubuntu', tag: 'latest', user: 'user' }],
    ['docker://myreg#foo', { registry: 'myreg', repository: 'foo', tag: 'latest' }],
    ['docker://ubuntu:a:b', { registry: HUB, repository: 'library/ubuntu', tag: 'a:b' }],
    ['docker://127.0.0.1:5000#team/app:v1', { registry: '127.0.0.1:5000', repository: 'team/app', tag: 'v1' }],
  ];
  for (const [uri, expected] of examples) {
    test(uri, () => assert.deepEqual(parsed(uri), expected));
  }

  test('localhost and localhost:port are registries, not Docker Hub namespaces (fixed weakness)', () => {
    assert.deepEqual(parsed('docker://localhost/foo'), { registry: 'localhost', repository: 'foo', tag: 'latest' });
    assert.deepEqual(parsed('docker://localhost:5000/a/b'), { registry: 'localhost:5000', repository: 'a/b', tag: 'latest' });
  });

  const invalid = [
    'docker://',
    'docker://ubuntu:',
    'docker://nvcr.io/NVIDIA/foo',
    'docker://reg#Image',
    'docker://Ubuntu', // uppercase is rejected consistently (fixed weakness)
    'docker://ubuntu@sha256:abc', // digests are validated (fixed weakness)
    `docker://ubuntu@sha256:${'A'.repeat(64)}`,
    `docker://ubuntu@sha256:${HEX}0`,
    'docker://foo//bar',
    'docker://bad host#foo',
    'docker://reg.io/-foo',
  ];
  for (const uri of invalid) {
    test(`invalid: ${uri}`, () => {
      assert.throws(() => parseDockerUri(uri), (err: unknown) => err instanceof EnrootError && err.message.startsWith(`Invalid image reference: ${uri}`));
    });
  }

  test('a password in an invalid reference is never echoed', () => {
    for (const uri of ['docker://user:s3cret@Reg.io/UPPER', 'docker://user:s3cret/x@reg.io/UPPER', 'docker://u:s3cret@ubuntu@sha256:abc']) {
      assert.throws(() => parseDockerUri(uri), (err: unknown) => err instanceof EnrootError && !err.message.includes('s3cret'));
    }
  });

  test('redactUri keeps tag@digest references intact', () => {
    assert.equal(redactUri(`docker://ubuntu:22.04@sha256:${HEX}`), `docker://ubuntu:22.04@sha256:${HEX}`);
    assert.equal(redactUri('docker://u:pw@reg.io/x'), 'docker://u:***@reg.io/x');
    assert.equal(redactUri('docker://u@reg.io/x'), 'docker://u@reg.io/x');
  });

  test('canonical provenance URIs carry no user and drop the tag of TAG@DIGEST', () => {
    assert.equal(canonicalDockerUri(parseDockerUri('docker://busybox:latest')), `docker://${HUB}#library/busybox:latest`);
    assert.equal(canonicalDockerUri(parseDockerUri('docker://u:pw@reg.io/x')), 'docker://reg.io#x:latest');
    assert.equal(canonicalDockerUri(parseDockerUri(`docker://reg.io/x:1@sha256:${HEX}`)), `docker://reg.io#x@sha256:${HEX}`);
  });

  test('canonical URIs parse back to the same reference, without the user', () => {
    for (const uri of ['docker://u:pw@ubuntu:22.04', `docker://quay.io/a/b:1@sha256:${HEX}`, 'docker://localhost:5000/x', 'docker://nvcr.io#nvidia/cuda:12']) {
      const { user: _user, ...reference } = parseDockerUri(uri);
      assert.deepEqual(parseDockerUri(canonicalDockerUri(reference)), reference);
    }
  });
});

describe('--arch', () => {
  test('kernel and registry names, with variants', () => {
    assert.deepEqual(parseArchitecture('x86_64'), { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(parseArchitecture('amd64'), { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(parseArchitecture('aarch64'), { os: 'linux', architecture: 'arm64' });
    assert.deepEqual(parseArchitecture('arm64'), { os: 'linux', architecture: 'arm64' });
    assert.deepEqual(parseArchitecture('arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.deepEqual(parseArchitecture('ppc64le'), { os: 'linux', architecture: 'ppc64le' });
    assert.equal(formatPlatform(parseArchitecture('aarch64/v8')), 'linux/arm64/v8');
  });
  test('anything else is an unsupported architecture', () => {
    for (const value of ['i386', 'arm64/', 'arm64/8', 'arm64/v8/x', 'AMD64', '']) {
      assert.throws(() => parseArchitecture(value), /^EnrootError: Unsupported architecture: /);
    }
  });
});
