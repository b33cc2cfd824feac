#!/bin/bash
# The container sees only its own cgroups, read-only: each hierarchy's mount is replaced by the
# container's own subtree of it (its job's, under Slurm), and /sys/fs/cgroup is made read-only.
set -euo pipefail
source "${ENROOT_LIBRARY_PATH}/common.sh"

common::checkcmd awk

suffix=""
[ -z "${SLURM_STEP_ID-}" ] || suffix="/.."

# With --net the container has a fresh sysfs, without the host's cgroup mount points: give them a place.
if [ -n "${ENROOT_UNSHARE_NET-}" ]; then
    echo "tmpfs /sys/fs/cgroup tmpfs x-create=dir,rw,nosuid,nodev,noexec,mode=755" >> "${ENROOT_MOUNTS}"
fi

awk -v suffix="${suffix}" '
    # /proc/self/mountinfo: fields 4 (root) and 5 (mount point), then after "-": type, source, options.
    FNR == NR {
        for (sep = 7; $sep != "-"; sep++) {}
        type = $(sep + 1)
        if (type == "cgroup2" && v2 == "") { v2 = $5; v2root = $4 }
        if (type == "cgroup") { n++; point[n] = $5; root[n] = $4; opts[n] = "," $(sep + 3) "," }
        next
    }
    # /proc/self/cgroup: id:controllers:path
    {
        split($0, f, ":")
        path = substr($0, length(f[1]) + length(f[2]) + 3)
        mount = ""
        if (f[2] == "") { mount = v2; mroot = v2root }
        else {
            count = split(f[2], ctl, ",")
            for (i = 1; i <= n && mount == ""; i++) {
                ok = 1
                for (j = 1; j <= count; j++) if (index(opts[i], "," ctl[j] ",") == 0) ok = 0
                if (ok) { mount = point[i]; mroot = root[i] }
            }
        }
        if (mount == "" || seen[mount]++) next
        if (mroot != "/" && index(path, mroot) == 1) path = substr(path, length(mroot) + 1)
        if (path == "/") path = ""
        printf "%s%s%s %s none x-create=dir,rbind,nosuid,noexec,nodev,ro\n", mount, path, (path == "" ? "" : suffix), mount
    }
' /proc/self/mountinfo /proc/self/cgroup >> "${ENROOT_MOUNTS}"
echo "none /sys/fs/cgroup none rbind,remount,nosuid,noexec,nodev,ro,rslave,nofail,silent" >> "${ENROOT_MOUNTS}"
