#!/bin/bash
# enroot-builtin: shadow
# The caller in the container's user and group databases: root, nobody and the caller's own entries
# (from the host's passwd and group databases, NSS included) come first in /etc/passwd and /etc/group,
# replacing entries of the same name and the _apt user the namespace cannot switch to; malformed lines
# are dropped; the home directory and mail spool are created as the image's login.defs and
# /etc/default/useradd say (CREATE_HOME, UMASK, SKEL, MAIL_DIR, CREATE_MAIL_SPOOL).
# Built into enroot: `enroot start` performs this hook itself. Remove this file or make it
# non-executable to disable it.
echo "10-shadow.sh is performed by enroot start itself" >&2
exit 1
