// Bringing the loopback interface up in a new network namespace (SIOCGIFFLAGS/SIOCSIFFLAGS).
import { check, native } from './libc.js';

const AF_INET = 2;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const SIOCGIFFLAGS = 0x8913;
const SIOCSIFFLAGS = 0x8914;
const IFF_UP = 0x1;
const IFREQ_SIZE = 40;
const FLAGS_OFFSET = 16;

export function bringLoopbackUp(): void {
  const fd = check(native.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), 'open a socket');
  try {
    const request = Buffer.alloc(IFREQ_SIZE);
    request.write('lo', 0, 'latin1');
    check(native.ioctl(fd, SIOCGIFFLAGS, 'void *', request), 'read the flags of lo');
    request.writeInt16LE(request.readInt16LE(FLAGS_OFFSET) | IFF_UP, FLAGS_OFFSET);
    check(native.ioctl(fd, SIOCSIFFLAGS, 'void *', request), 'bring lo up');
  } finally {
    native.close(fd);
  }
}
