#!/usr/bin/env python3
"""Writes a SYN-flood benchmark capture: N SYNs, each from a distinct (address, port), to
one server, 10 µs apart, as a classic microsecond pcap (Ethernet).

    synflood.py OUT.pcap [N=1000000]

Crafted, not recorded: a flood is crafted packets anyway, and what it tests is the
tracker's connection cap and memory, not TCP behaviour. Sources are 198.19.0.0/16
addresses (the benchmark range of RFC 2544, which this project uses) with ports 1024+.
Checksums are left zero: the tool does not verify them.
"""
import struct
import sys

out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
ETH = bytes.fromhex('020000000002' '020000000001' '0800')
SERVER = bytes([198, 18, 2, 2])
with open(out, 'wb', buffering=1 << 20) as f:
    f.write(struct.pack('<IHHiIII', 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    for i in range(n):
        host, port = divmod(i, 60000)
        src = bytes([198, 19, (host >> 8) & 0xFF, host & 0xFF])
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 40, i & 0xFFFF, 0x4000, 64, 6, 0, src, SERVER)
        tcp = struct.pack('!HHIIBBHHH', 1024 + port, 80, (i * 2654435761) & 0xFFFFFFFF, 0, 5 << 4, 0x02, 64240, 0, 0)
        t = 1_700_000_000_000_000 + i * 10
        f.write(struct.pack('<IIII', t // 1_000_000, t % 1_000_000, 54, 54) + ETH + ip + tcp)
