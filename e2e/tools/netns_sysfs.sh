#!/usr/bin/env bash
# Runs a command with a /sys that belongs to the current network namespace, keeping the host's
# bpffs at /sys/fs/bpf. Run it under `unshare --mount --propagation private` (a mount namespace of
# its own), after `nsenter --net=...`:
#
#   nsenter --net=/run/netns/NS -- unshare --mount --propagation private netns_sysfs.sh CMD ARGS...
#
# The e2e helpers enter only the network namespace, so /sys/class/net shows the host's interfaces;
# this is for programs that read an interface's attributes there (SLB_HA_OWN_SYSFS=1 in lib/ha.sh).
# The PID stays the command's (exec), so the caller can record and signal it.
set -euo pipefail
keep=$(mktemp -d /tmp/slbha-bpffs.XXXXXX)
mount --bind /sys/fs/bpf "$keep"
mount -t sysfs sysfs /sys
mount --move "$keep" /sys/fs/bpf
rmdir "$keep"
exec "$@"
