import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import { PacketDecoder } from '../../src/decode/packet.js';
import { TCP_ACK } from '../../src/decode/tcp.js';
import { ethernet, ipv4, tcp } from '../helpers/packets.js';

/**
 * A frame check sequence the capture declares is not part of what the frame carries.
 * The frame here is what a sender's tap records under segmentation offload: IPv4 total
 * length 0, so the segment's length comes from the frame's, FCS excluded.
 */
const PAYLOAD = 10;
const FRAME = Buffer.concat([ethernet(ipv4(Buffer.concat([tcp({ flags: TCP_ACK }), Buffer.alloc(PAYLOAD, 0x61)]), { totalLength: 0 })), Buffer.from([0xde, 0xad, 0xbe, 0xef])]);

/** Classic pcap, Ethernet, with `linkField`'s upper bits as given. */
function pcap(linkField: number, frame: Buffer, captured = frame.length): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE((linkField | 1) >>> 0, 20);
  const rec = Buffer.alloc(16);
  rec.writeUInt32LE(100, 0);
  rec.writeUInt32LE(captured, 8);
  rec.writeUInt32LE(frame.length, 12);
  return Buffer.concat([header, rec, frame.subarray(0, captured)]);
}

/** pcapng, one Ethernet interface with if_fcslen = `fcslen` (none: no option). */
function pcapng(fcslen: number | null, frame: Buffer): Buffer {
  const block = (type: number, body: Buffer): Buffer => {
    const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
    const b = Buffer.alloc(12 + padded.length);
    b.writeUInt32LE(type, 0);
    b.writeUInt32LE(b.length, 4);
    padded.copy(b, 8);
    b.writeUInt32LE(b.length, b.length - 4);
    return b;
  };
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(0x1a2b3c4d, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeBigInt64LE(-1n, 8);
  const idb = Buffer.alloc(8 + (fcslen === null ? 0 : 8) + 4);
  idb.writeUInt16LE(1, 0);
  idb.writeUInt32LE(65535, 4);
  if (fcslen !== null) {
    idb.writeUInt16LE(13, 8);
    idb.writeUInt16LE(1, 10);
    idb[12] = fcslen;
  }
  const epb = Buffer.alloc(20);
  epb.writeUInt32LE(frame.length, 12);
  epb.writeUInt32LE(frame.length, 16);
  return Buffer.concat([block(0x0a0d0d0a, shb), block(1, idb), block(6, Buffer.concat([epb, frame]))]);
}

async function segmentLength(bytes: Buffer): Promise<number> {
  const d = new PacketDecoder();
  let length = -1;
  await readCapture(Readable.from([bytes]), (rec) => {
    expect(d.decode(rec)).toBe('tcp');
    length = d.tcp.payloadLength;
  });
  return length;
}

describe('frame check sequence', () => {
  it('classic pcap: the header says 4 bytes of FCS (bit 26, 2 words), and they are not TCP data', async () => {
    expect(await segmentLength(pcap(0x04000000 | (2 << 28), FRAME))).toBe(PAYLOAD);
    expect(await segmentLength(pcap(0, FRAME))).toBe(PAYLOAD + 4);
    // Without bit 26 the length bits mean nothing.
    expect(await segmentLength(pcap(2 << 28, FRAME))).toBe(PAYLOAD + 4);
  });

  it('classic pcap: a frame cut before its FCS loses none of its data to it', async () => {
    const d = new PacketDecoder();
    await readCapture(Readable.from([pcap(0x04000000 | (2 << 28), FRAME, FRAME.length - 4)]), (rec) => {
      d.decode(rec);
      expect([d.tcp.payloadLength, d.tcp.capturedPayload]).toEqual([PAYLOAD, PAYLOAD]);
    });
  });

  it('pcapng: if_fcslen in octets, or in bits as the draft words it', async () => {
    expect(await segmentLength(pcapng(4, FRAME))).toBe(PAYLOAD);
    expect(await segmentLength(pcapng(32, FRAME))).toBe(PAYLOAD);
    expect(await segmentLength(pcapng(null, FRAME))).toBe(PAYLOAD + 4);
  });
});
