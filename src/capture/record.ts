/**
 * One captured packet as the reader hands it out. The reader owns a single instance and
 * overwrites it for every record: a consumer that needs a value after its callback
 * returns must copy it. `data[offset, offset + capturedLength)` are the packet bytes, a
 * view into the reader's window (no copy), valid only during the callback.
 */
export interface PacketRecord {
  /** 1-based, counting every packet record in the file, as Wireshark numbers frames. */
  frame: number;
  /** Seconds since the epoch (integer part); full precision is tsSec + tsNsec / 1e9. */
  tsSec: number;
  /** Nanoseconds within the second, 0 ≤ tsNsec < 1e9. */
  tsNsec: number;
  /** False for pcapng Simple Packet Blocks, which carry no time (tsSec/tsNsec are 0). */
  hasTimestamp: boolean;
  capturedLength: number;
  originalLength: number;
  /** LINKTYPE_* value of the interface the packet was captured on. */
  linkType: number;
  /**
   * Bytes of frame check sequence at the end of the frame, where the capture says so
   * (the pcap header's FCS field, pcapng's if_fcslen); 0 when it says nothing.
   */
  fcsLength: number;
  /** pcapng interface index within its section; 0 for classic pcap. */
  interfaceId: number;
  data: Buffer;
  offset: number;
  /** Byte offset of the record's header in the (decompressed) input. */
  fileOffset: number;
}

export function newPacketRecord(): PacketRecord {
  return {
    frame: 0,
    tsSec: 0,
    tsNsec: 0,
    hasTimestamp: true,
    capturedLength: 0,
    originalLength: 0,
    linkType: 0,
    fcsLength: 0,
    interfaceId: 0,
    data: EMPTY,
    offset: 0,
    fileOffset: 0,
  };
}

const EMPTY = Buffer.alloc(0);

