import type { TunnelKind, TunnelRecord } from '../decode/tunnel.js';

/** What each kind of tunnel calls its identifier. */
const ID_NAME: Record<TunnelKind, string> = {
  'ip-in-ip': '',
  gre: 'key',
  erspan: 'session',
  'gre-in-udp': 'key',
  vxlan: 'vni',
  geneve: 'vni',
  'gtp-u': 'teid',
  teredo: '',
  ayiya: '',
};

/** A tunnel chain in words, outer first: `vxlan vni 42 over 198.18.1.2 ↔ 198.18.2.2`. */
export function tunnelText(layers: readonly TunnelRecord[]): string {
  return layers.map((l) => `${l.kind}${l.id === null ? '' : ` ${ID_NAME[l.kind]} ${l.id}`} over ${l.outer.src} ↔ ${l.outer.dst}`).join(', in ');
}
