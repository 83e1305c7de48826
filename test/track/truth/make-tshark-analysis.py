#!/usr/bin/env python3
"""Writes test/track/truth/tshark-analysis.tsv: what Wireshark's TCP sequence analysis
(epan/dissectors/packet-tcp.c, tcp_analyze_sequence_number) flags in every capture the
tests read, counted per connection and sender, for test/track/tshark-analysis.test.ts to
hold the tracker's per-side counters (src/track/direction.ts) to.

Usage, from the repository: python3 test/track/truth/make-tshark-analysis.py
It reads fixtures/demo.pcap, fixtures/lab/*.pcap*, and every capture of ../shared/corpus
(TEARDOWN_SHARED names the shared folder from elsewhere, as for the tests). It needs
tshark; the test needs only the file written. Run it again, and commit the result, when
a capture is added: the header says which tshark wrote it.

One row per (capture, tcp.stream, sender ip:port) with a count above zero; a sender
without a row had every count zero. Lab captures are named by their path in the
repository, corpus captures by their bare file name. Frames that carry TCP only inside
an ICMP error are left out: packet-tcp.c gives the quoted header a tcp.stream, but it
is not one of the connection's segments and the tracker counts no such frame.

Two things are counted apart, because the tracker defines them apart on purpose and
tshark's flags alone cannot tell them:

- Repeats. A frame that carries the same IPv4 datagram as a frame of the same stream
  shortly before (same IP ID, sequence and ACK numbers, flags, window and length, within
  0.2 s) is one transmission captured twice (src/track/duplicates.ts). packet-tcp.c has
  no notion of it: it flags the copy as a retransmission (or out-of-order) when it
  carries data, SYN or FIN, and as a duplicate ACK when it is a bare ACK. The tracker
  counts such a frame in `duplicates` and in nothing else. So every other column counts
  frames that are not repeats, `repeats` counts the repeats, and `repeats_resent` those
  of them tshark flagged retransmission or out-of-order.
- Duplicate ACKs with nothing outstanding. packet-tcp.c flags a bare ACK that repeats
  the sender's ACK and window at its next sequence number whether or not the peer has
  data in flight (a pure-ACK exchange repeated, a window-probe reply, ...); the tracker
  counts a duplicate ACK only while the peer has sent bytes beyond the ACK. `dupack`
  counts those, `dupack_idle` the others: the peer's highest sequence end seen so far
  (a segment's seq + length + SYN + FIN, RSTs aside; or this side's highest ACK, if that
  is beyond) is not above the ACK.

Columns (frames of this sender, repeats aside):
  retrans       tcp.analysis.retransmission (set on every fast and spurious one too)
  fast          tcp.analysis.fast_retransmission
  spurious      tcp.analysis.spurious_retransmission
  rexmit_bytes  tcp.len summed over the retrans frames
  ooo           tcp.analysis.out_of_order
  dupack        tcp.analysis.duplicate_ack, peer data outstanding
  dupack_idle   tcp.analysis.duplicate_ack, nothing outstanding
  zerowin       tcp.analysis.zero_window
  probe         tcp.analysis.zero_window_probe
  keepalive     tcp.analysis.keep_alive
  sack          frames with a SACK block (tcp.options.sack_le)
  repeats, repeats_resent   as above
  frames        the frames flagged (any column but sack), repeats included, to read by
"""
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get('TEARDOWN_SHARED', REPO.parent / 'shared'))
CORPUS = SHARED / 'corpus'
OUT = REPO / 'test' / 'track' / 'truth' / 'tshark-analysis.tsv'

FLAGS = {
    'retrans': 'tcp.analysis.retransmission',
    'fast': 'tcp.analysis.fast_retransmission',
    'spurious': 'tcp.analysis.spurious_retransmission',
    'ooo': 'tcp.analysis.out_of_order',
    'dupack': 'tcp.analysis.duplicate_ack',
    'zerowin': 'tcp.analysis.zero_window',
    'probe': 'tcp.analysis.zero_window_probe',
    'keepalive': 'tcp.analysis.keep_alive',
    'sack': 'tcp.options.sack_le',
}
COUNTS = ['retrans', 'fast', 'spurious', 'rexmit_bytes', 'ooo', 'dupack', 'dupack_idle', 'zerowin', 'probe',
          'keepalive', 'sack', 'repeats', 'repeats_resent']
FIELDS = ['frame.number', 'frame.time_epoch', 'tcp.stream', 'ip.src', 'ipv6.src', 'ip.id', 'tcp.srcport',
          'tcp.flags', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.len', 'tcp.window_size_value', *FLAGS.values()]
# -n: addresses as numbers. The -o settings are packet-tcp.c's defaults, written out so
# that a preferences file cannot change the truth.
COMMAND = ['tshark', '-n', '-o', 'tcp.analyze_sequence_numbers:TRUE', '-o', 'tcp.relative_sequence_numbers:TRUE',
           '-o', 'tcp.fastrt_supersedes_ooo:TRUE', '-Y', 'tcp && !icmp && !icmpv6', '-T', 'fields',
           '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,']
for f in FIELDS:
    COMMAND += ['-e', f]

SYN, RST, FIN, ACK = 0x02, 0x04, 0x01, 0x10
# src/track/duplicates.ts: copies of one datagram this close together are one transmission.
REPEAT_SECONDS = 0.2


def seq_gt(a, b):
    """a after b in sequence space (RFC 1982 arithmetic, as state/seq.ts)."""
    return 0 < ((a - b) & 0xffffffff) < 0x80000000


def captures():
    lab = sorted(p for p in (REPO / 'fixtures' / 'lab').iterdir() if p.name.endswith(('.pcap', '.pcapng')))
    files = [(str(p.relative_to(REPO)), p) for p in [REPO / 'fixtures' / 'demo.pcap', *lab]]
    if (CORPUS / 'MANIFEST.tsv').exists():
        for p in sorted(CORPUS.iterdir()):
            if p.name.endswith(('.tsv', '.md')) or p.name in ('bad', 'truth'):
                continue
            files.append((p.name, p))
    return files


def analyse(path):
    """{(stream, 'ip:port'): {column: count, 'frames': [...]}} for one capture."""
    run = subprocess.run(COMMAND[:1] + ['-r', str(path)] + COMMAND[1:], capture_output=True, text=True)
    if run.returncode != 0 and not run.stdout:
        sys.exit(f'{path}: tshark failed: {run.stderr}')
    rows = defaultdict(lambda: dict({c: 0 for c in COUNTS}, frames=[]))
    recent = defaultdict(list)  # stream -> [(time, datagram key)]
    highest = defaultdict(dict)  # stream -> {sender: highest sequence end sent, or acknowledged by the peer}
    for line in run.stdout.split('\n'):
        if not line:
            continue
        v = dict(zip(FIELDS, line.split('\t')))
        ip = v['ip.src'] or v['ipv6.src']
        if ',' in ip or ',' in v['tcp.srcport']:
            sys.exit(f'{path} frame {v["frame.number"]}: several IP or TCP headers, not expected in these captures')
        stream = int(v['tcp.stream'])
        sender = f'[{ip}]:{v["tcp.srcport"]}' if ':' in ip else f'{ip}:{v["tcp.srcport"]}'
        row = rows[(stream, sender)]
        flags = int(v['tcp.flags'], 16)
        seq, ack, length = int(v['tcp.seq_raw']), int(v['tcp.ack_raw']), int(v['tcp.len'] or 0)
        time = float(v['frame.time_epoch'])
        flagged = {c for c, f in FLAGS.items() if v[f]}
        if flagged - {'sack'}:
            row['frames'].append(v['frame.number'])

        repeat = False
        # An RST with IP ID 0 (Linux's socketless replies) is never judged a repeat (duplicates.ts).
        if v['ip.id'] and not (int(v['ip.id'], 0) == 0 and flags & 0x04):
            key = (v['ip.id'], seq, ack, flags, v['tcp.window_size_value'], length)
            recent[stream] = [(t, k) for t, k in recent[stream] if time - t < REPEAT_SECONDS]
            repeat = any(k == key for _, k in recent[stream])
            if not repeat:
                recent[stream].append((time, key))
        if repeat:
            row['repeats'] += 1
            if flagged & {'retrans', 'ooo'}:
                row['repeats_resent'] += 1
            continue

        ends = highest[stream]
        peer = next((s for s in ends if s != sender), None)
        outstanding = peer is not None and seq_gt(ends[peer], ack)
        for column in flagged:
            if column == 'dupack' and not outstanding:
                column = 'dupack_idle'
            row[column] += 1
        if 'retrans' in flagged:
            row['rexmit_bytes'] += length

        end = (seq + length + (1 if flags & SYN else 0) + (1 if flags & FIN else 0)) & 0xffffffff
        if not flags & RST and end != seq and (sender not in ends or seq_gt(end, ends[sender])):
            ends[sender] = end
        if peer is not None and flags & ACK and seq_gt(ack, ends[peer]):
            ends[peer] = ack
    return rows


def main():
    version = subprocess.run(['tshark', '--version'], capture_output=True, text=True).stdout.split('\n')[0]
    shown = ' '.join(COMMAND[:1] + ['-r', 'FILE'] + [f"'{a}'" if ' ' in a else a for a in COMMAND[1:]])
    lines = [
        f'# {version}',
        f'# {shown}',
        '# one row per (file, tcp.stream, sender) with a count above 0 (a sender without a row had none);'
        ' columns: see make-tshark-analysis.py',
        '\t'.join(['file', 'stream', 'sender'] + COUNTS + ['frames']),
    ]
    files = captures()
    # The captures read, so that the test can tell a capture without a row (nothing
    # flagged) from one added after this file was written.
    lines.insert(3, '\t'.join(['# captures'] + [name for name, _ in files]))
    for name, path in files:
        rows = analyse(path)
        for (stream, sender), row in sorted(rows.items()):
            if all(row[c] == 0 for c in COUNTS):
                continue
            lines.append('\t'.join([name, str(stream), sender] + [str(row[c]) for c in COUNTS] + [','.join(row['frames'])]))
    OUT.write_text('\n'.join(lines) + '\n')
    rows = sum(not line.startswith(('#', 'file\t')) for line in lines)
    print(f'{OUT.relative_to(REPO)}: {rows} rows')


if __name__ == '__main__':
    main()
