// Which certificate authorities TLS connections trust. Like curl (which the reference uses):
// SSL_CERT_FILE and/or SSL_CERT_DIR replace the default trust store when set; otherwise Node's bundled
// roots are trusted together with the system bundle, so CAs added to the system store work as they do
// with curl.
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { EnrootError } from '../errors.js';
import type { Settings } from '../config/settings.js';

const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem'];
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function certificatesIn(text: string): string[] {
  return text.match(PEM_CERTIFICATE) ?? [];
}

function readSetting(name: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new EnrootError(`Could not read ${file} named by ${name} (${code}): point ${name} at a readable PEM file`);
  }
}

/** Every certificate in the files of a directory (hashed links like `0123abcd.0`, or `.pem`/`.crt` files). */
function directoryCertificates(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new EnrootError(`Could not read the directory ${dir} named by SSL_CERT_DIR (${code}): point SSL_CERT_DIR at a directory of PEM certificates`);
  }
  return names.flatMap((name) => {
    try {
      return certificatesIn(fs.readFileSync(path.join(dir, name), 'utf8'));
    } catch {
      return []; // subdirectories, unreadable or binary files
    }
  });
}

function systemBundle(): string[] {
  for (const file of SYSTEM_BUNDLES) {
    try {
      return certificatesIn(fs.readFileSync(file, 'utf8'));
    } catch {
      // try the next well-known location
    }
  }
  return [];
}

/** The PEM certificates to trust. */
export function trustedCertificates(settings: Settings): string[] {
  const file = settings.get('SSL_CERT_FILE') ?? '';
  const dir = settings.get('SSL_CERT_DIR') ?? '';
  if (file === '' && dir === '') return [...new Set([...tls.rootCertificates, ...systemBundle()])];
  const certificates: string[] = [];
  if (file !== '') {
    const found = certificatesIn(readSetting('SSL_CERT_FILE', file));
    if (found.length === 0) throw new EnrootError(`No PEM certificate found in ${file} named by SSL_CERT_FILE: point it at a PEM file`);
    certificates.push(...found);
  }
  if (dir !== '') certificates.push(...directoryCertificates(dir));
  return certificates;
}
