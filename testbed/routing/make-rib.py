#!/usr/bin/env python3
"""Writes rib.mrt, an MRT RIB dump (RFC 6396 TABLE_DUMP_V2) of the routes in
origins.txt, as one collector peer (AS64999, 127.0.0.2) would have them:
AS path "64999 ORIGIN" for each prefix. `indaba --origins-file rib.mrt` must
give the same routes as `--origins-file origins.txt`.

Run it again after changing origins.txt: python3 testbed/routing/make-rib.py
"""
import ipaddress
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent
STAMP = 1767225600  # 2026-01-01T00:00:00Z, fixed so the file is reproducible
PEER_AS = 64999


def record(subtype, body):
    # Common header: timestamp, type 13 (TABLE_DUMP_V2), subtype, length.
    return struct.pack(">IHHI", STAMP, 13, subtype, len(body)) + body


def peer_index_table():
    body = struct.pack(">IH", 0x7F000001, 0)  # collector BGP id, no view name
    body += struct.pack(">H", 1)  # one peer
    body += struct.pack(">B", 0b10)  # IPv4 address, 4-byte AS
    body += bytes([127, 0, 0, 2]) * 2 + struct.pack(">I", PEER_AS)
    return record(1, body)


def rib_entry(seq, network, origin):
    path = [PEER_AS, origin]
    segment = struct.pack(">BB", 2, len(path)) + b"".join(struct.pack(">I", a) for a in path)
    attrs = bytes([0x40, 1, 1, 0])  # ORIGIN IGP
    attrs += bytes([0x40, 2, len(segment)]) + segment  # AS_PATH
    if network.version == 4:
        attrs += bytes([0x40, 3, 4, 127, 0, 0, 2])  # NEXT_HOP
    length = network.prefixlen
    body = struct.pack(">IB", seq, length) + network.network_address.packed[: (length + 7) // 8]
    body += struct.pack(">HHIH", 1, 0, STAMP, len(attrs)) + attrs
    return record(2 if network.version == 4 else 4, body)


def main():
    out = [peer_index_table()]
    seq = 0
    for line in (HERE / "origins.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        prefix, asn = line.split()[:2]
        out.append(rib_entry(seq, ipaddress.ip_network(prefix), int(asn)))
        seq += 1
    (HERE / "rib.mrt").write_bytes(b"".join(out))


if __name__ == "__main__":
    main()
