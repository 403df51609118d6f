#!/usr/bin/env python3
"""Counts the slots of SwiftLB's conntrack table (the pinned slb_ct map) by state.

The table is one mmapable BPF array (Sources/SwiftLBABI/include/swiftlb_ct_table.h): slot 0 is
the head, every other slot starts with a 64-bit control word whose bits 0-2 are its state
(0 empty, 1 busy, 2 live, 3 dead, 4 dead_old). Dumping its 500,000-odd slots with bpftool takes
minutes; mapping it and reading one word per slot takes a fraction of a second, and sees every
entry, reply entries without their twin included (the API lists flows, one per forward entry).

Prints one line: "live N busy N dead N dead_old N empty N slots N fin_race N". fin_race counts
the flows whose two entries both say FIN_WAIT. In the soak every connection is closed both ways,
so such a flow lost a FIN: slb_ct_track (bpf/lib/ct.h) reads fin_dirs from the entry of the
packet's direction and writes the result into both entries, and when the two FINs of a
simultaneous close are handled on two CPUs at once, one write undoes the other (seen as
complementary fin_dirs, 1 in one entry and 2 in the other, or as the same single bit in both).
Such a flow is kept for the FIN timeout (120 s) instead of the closed one (10 s).
With --list, one more line per live entry (at most 20): direction, tuple, state, FIN directions
seen, idle seconds. Standard library only; x86_64 and aarch64 (the bpf(2) syscall number differs).
"""

import argparse
import ctypes
import mmap
import os
import platform
import socket
import struct
import sys
import time

BPF_SYSCALL = {"x86_64": 321, "aarch64": 280}
BPF_OBJ_GET = 7
BPF_OBJ_GET_INFO_BY_FD = 15
STATES = {0: "empty", 1: "busy", 2: "live", 3: "dead", 4: "dead_old", 7: "head"}
# enum slb_ct_state and enum slb_nat_flags (swiftlb_abi.h).
CT_STATES = ["none", "new", "syn_sent", "syn_recv", "established", "fin_wait", "time_wait", "closed"]
FIN_WAIT = 5
NAT_SRC, NAT_DST, NAT_AF = 1, 2, 4
AF_INET = 2  # SLB_AF_INET
# struct slb_ct_slot: ctl (8); key at 8 (40: saddr[4], daddr[4], sport, dport, proto, family,
# pad); val at 48: nat (40: saddr[4], daddr[4], sport, dport, flags, family, pad), then at 88
# last_seen_ns, packets, bytes, svc_id, ep_idx, state, dir, fin_dirs.
KEY = struct.Struct("=16s16sHHBB")
NAT = struct.Struct("=16s16sHHBB")
VAL = struct.Struct("=QQQIHBBB")


def bpf(libc, nr, cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    rc = libc.syscall(nr, cmd, buf, 128)
    if rc < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return rc


def decode(table, offset):
    saddr, daddr, sport, dport, proto, family = KEY.unpack_from(table, offset + 8)
    nsaddr, ndaddr, nsport, ndport, flags, nfamily = NAT.unpack_from(table, offset + 48)
    seen, packets, _, svc, _, state, direction, fins = VAL.unpack_from(table, offset + 88)
    key = (saddr, daddr, sport, dport, proto, family)
    # The other direction's key, as slb_ct_twin_key builds it.
    twin = (
        ndaddr if flags & NAT_DST else daddr,
        nsaddr if flags & NAT_SRC else saddr,
        ndport if flags & NAT_DST else dport,
        nsport if flags & NAT_SRC else sport,
        proto,
        nfamily if flags & NAT_AF else family,
    )
    return {"key": key, "twin": twin, "seen": seen, "packets": packets, "svc": svc, "state": state,
            "dir": direction, "fins": fins}


def address(raw, family):
    return socket.inet_ntop(socket.AF_INET, raw[:4]) if family == AF_INET else socket.inet_ntop(socket.AF_INET6, raw)


def describe(entry, now):
    saddr, daddr, sport, dport, proto, family = entry["key"]
    state = entry["state"]
    name = CT_STATES[state] if state < len(CT_STATES) else str(state)
    return (
        f"{'fwd' if entry['dir'] == 0 else 'rev'} proto {proto} {address(saddr, family)}:{socket.ntohs(sport)}"
        f" -> {address(daddr, family)}:{socket.ntohs(dport)} svc {entry['svc']} state {name}"
        f" fin_dirs {entry['fins']} packets {entry['packets']} idle {(now - entry['seen']) / 1e9:.1f} s"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pinned", help="path of the pinned map, e.g. /sys/fs/bpf/PREFIX/slb_ct")
    parser.add_argument("--list", action="store_true", help="also list the live entries (at most 20)")
    args = parser.parse_args()
    nr = BPF_SYSCALL.get(platform.machine())
    if nr is None:
        print(f"unsupported machine {platform.machine()}", file=sys.stderr)
        return 2
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    path = ctypes.create_string_buffer(args.pinned.encode())
    # union bpf_attr for BPF_OBJ_GET: pathname (u64), bpf_fd (u32), file_flags (u32). A read-only
    # fd (BPF_F_RDONLY) cannot be mapped at all (EINVAL); the mapping below is read-only.
    fd = bpf(libc, nr, BPF_OBJ_GET, struct.pack("=QII", ctypes.addressof(path), 0, 0))
    try:
        info = ctypes.create_string_buffer(88)
        # BPF_OBJ_GET_INFO_BY_FD: bpf_fd (u32), info_len (u32), info (u64).
        bpf(libc, nr, BPF_OBJ_GET_INFO_BY_FD, struct.pack("=IIQ", fd, 88, ctypes.addressof(info)))
        # struct bpf_map_info: type, id, key_size, value_size, max_entries, map_flags, ...
        _, _, _, value_size, max_entries, _ = struct.unpack_from("=6I", info.raw)
        stride = (value_size + 7) // 8 * 8
        length = (stride * max_entries + mmap.PAGESIZE - 1) // mmap.PAGESIZE * mmap.PAGESIZE
        with mmap.mmap(fd, length, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ) as table:
            words = memoryview(table).cast("Q")
            ctls = words[stride // 8 :: stride // 8][: max_entries - 1]
            counts = dict.fromkeys(STATES.values(), 0)
            other = 0
            live = []
            for index, ctl in enumerate(ctls, start=1):
                name = STATES.get(ctl & 7)
                if name is None:
                    other += 1
                    continue
                counts[name] += 1
                if name == "live":
                    live.append(index)
            ctls.release()
            words.release()
            now = time.monotonic_ns()
            entries = [decode(table, index * stride) for index in live]
    finally:
        os.close(fd)
    by_key = {entry["key"]: entry for entry in entries}
    fin_race = 0
    for entry in entries:
        twin = by_key.get(entry["twin"])
        if entry["dir"] == 0 and twin is not None and entry["state"] == FIN_WAIT and twin["state"] == FIN_WAIT:
            fin_race += 1
    print(
        f"live {counts['live']} busy {counts['busy']} dead {counts['dead']} dead_old {counts['dead_old']}"
        f" empty {counts['empty']} slots {max_entries - 1} fin_race {fin_race}" + (f" invalid {other}" if other else "")
    )
    if args.list:
        for entry in entries[:20]:
            print("  " + describe(entry, now))
    return 0


if __name__ == "__main__":
    sys.exit(main())
