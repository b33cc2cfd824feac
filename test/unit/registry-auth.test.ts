import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseChallenges } from '../../src/registry/challenge.js';
import { CredentialStore, hostNames, parseNetrc } from '../../src/registry/credentials.js';
import { Settings } from '../../src/config/settings.js';

function params(challenge: { params: Map<string, string> } | undefined): Record<string, string> {
  return Object.fromEntries(challenge?.params ?? []);
}

describe('WWW-Authenticate parsing', () => {
  test('a Docker token challenge', () => {
    const [challenge] = parseChallenges([
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull"',
    ]);
    assert.equal(challenge?.scheme, 'bearer');
    assert.deepEqual(params(challenge), {
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:library/ubuntu:pull',
    });
  });

  test('blanks, commas and escapes inside quotes, unquoted values, case-insensitive names', () => {
    const [challenge] = parseChallenges(['bearer  Realm = "https://a/t" , service=reg.example ,scope="repository:a b,c:pull" , note="say \\"hi\\""']);
    assert.deepEqual(params(challenge), { realm: 'https://a/t', service: 'reg.example', scope: 'repository:a b,c:pull', note: 'say "hi"' });
  });

  test('several challenges in one header and across headers', () => {
    const challenges = parseChallenges(['Basic realm="registry", Bearer realm="https://t/token",service="s"', 'Negotiate']);
    assert.deepEqual(challenges.map((c) => c.scheme), ['basic', 'bearer', 'negotiate']);
    assert.deepEqual(params(challenges[0]), { realm: 'registry' });
    assert.deepEqual(params(challenges[1]), { realm: 'https://t/token', service: 's' });
    assert.deepEqual(params(challenges[2]), {});
  });

  test('an error parameter and an unquoted URL', () => {
    const [challenge] = parseChallenges(['Bearer realm=https://t/token,error="insufficient_scope"']);
    assert.deepEqual(params(challenge), { realm: 'https://t/token', error: 'insufficient_scope' });
  });
});

describe('credentials file (netrc)', () => {
  test('one-line and multi-line entries, comments, quoted tokens, default, macdef', () => {
    const entries = parseNetrc(
      [
        '# NVIDIA GPU Cloud',
        'machine nvcr.io login $oauthtoken password abc123',
        '  machine reg.example',
        '    login "me"',
        '    password "p w\\"d"',
        'macdef init',
        'machine inside.macro login x password y',
        '',
        'default login anon password guest',
      ].join('\n'),
    );
    assert.deepEqual(entries, [
      { machine: 'nvcr.io', login: '$oauthtoken', password: 'abc123', passwordIsExpression: false },
      { machine: 'reg.example', login: 'me', password: 'p w"d', passwordIsExpression: false },
      { login: 'anon', password: 'guest', passwordIsExpression: false },
    ]);
  });

  test('a $ password is the rest of its line', () => {
    const [entry] = parseNetrc("machine us-docker.pkg.dev login _json_key password $(jq -c '.' $FILE | sed 's/ /x/g')\nmachine b login c password d\n");
    assert.deepEqual(entry, {
      machine: 'us-docker.pkg.dev',
      login: '_json_key',
      password: "$(jq -c '.' $FILE | sed 's/ /x/g')",
      passwordIsExpression: true,
    });
  });

  test('host names with and without the port', () => {
    assert.deepEqual(hostNames('127.0.0.1:5000'), ['127.0.0.1:5000', '127.0.0.1']);
    assert.deepEqual(hostNames('nvcr.io'), ['nvcr.io']);
  });

  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enroot-credentials-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function store(text: string, env: Record<string, string> = {}): CredentialStore {
    fs.writeFileSync(path.join(dir, '.credentials'), text);
    const settings = Settings.load({ env: { HOME: dir, PATH: process.env.PATH ?? '/usr/bin:/bin', ENROOT_CONF_FILE: '/nonexistent', ENROOT_CONFIG_PATH: dir, ...env } });
    return CredentialStore.load(settings);
  }

  test('lookup prefers hosts in the order given, filters by login, falls back to default', () => {
    const credentials = store('machine auth.example login a password 1\nmachine reg.example login b password 2\ndefault login d password 4\n');
    assert.equal(credentials.find(['auth.example', 'reg.example'])?.login, 'a');
    assert.equal(credentials.find(['auth.example', 'reg.example'], 'b')?.login, 'b');
    assert.equal(credentials.find(['other'])?.login, 'd');
    assert.equal(credentials.find(['other'], 'zz'), undefined);
  });

  test('$ passwords are expanded by a shell like echo, once, with the settings environment', async () => {
    const counter = path.join(dir, 'count');
    const credentials = store(`machine r login u password $(printf x >> ${counter}; echo "$SECRET_PART"  tail)\n`, { SECRET_PART: 'from env' });
    const entry = credentials.find(['r']);
    assert.ok(entry);
    assert.deepEqual(await credentials.resolve(entry), { login: 'u', password: 'from env tail' });
    await credentials.resolve(entry);
    assert.equal(fs.readFileSync(counter, 'utf8'), 'x');
  });

  test('an expression that yields nothing is an error naming the file, not the secret', async () => {
    const credentials = store('machine r login u password $(true)\n');
    const entry = credentials.find(['r']);
    assert.ok(entry);
    await assert.rejects(credentials.resolve(entry), (err: Error) => err.message.includes(path.join(dir, '.credentials')));
  });

  test('a missing file is an empty store', () => {
    const settings = Settings.load({ env: { HOME: dir, PATH: '/usr/bin:/bin', ENROOT_CONF_FILE: '/nonexistent', ENROOT_CONFIG_PATH: path.join(dir, 'none') } });
    assert.equal(CredentialStore.load(settings).find(['x']), undefined);
  });
});
