import type { IcmpRecord } from '../track/report.js';
import type { DETAILS, IcmpCode } from './types.js';

type Reason = { detail: (typeof DETAILS)['unreachable'][number] | IcmpCode; errno: string };

/** The named codes (RFC 792 type 3; RFC 1812 added 13 as administratively prohibited). */
const V4_NAMES: { [code: number]: Reason['detail'] } = {
  0: 'net-unreachable', 1: 'host-unreachable', 2: 'protocol-unreachable', 3: 'port-unreachable',
  4: 'fragmentation-needed', 9: 'administratively-prohibited', 10: 'administratively-prohibited', 13: 'administratively-prohibited',
};
/** The errno an application gets for each code: Linux's icmp_err_convert (net/ipv4/icmp.c), indexed by code. */
const V4_ERRNO = ['ENETUNREACH', 'EHOSTUNREACH', 'ENOPROTOOPT', 'ECONNREFUSED', 'EMSGSIZE', 'EOPNOTSUPP', 'ENETUNREACH', 'EHOSTDOWN',
  'ENONET', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTUNREACH', 'EHOSTUNREACH', 'EHOSTUNREACH', 'EHOSTUNREACH'];
/** RFC 4443 3.1 codes; 5 and 6 (RFC 4443's policy and reject-route) count as prohibited. */
const V6_NAMES: { [code: number]: Reason['detail'] } = {
  0: 'no-route', 1: 'administratively-prohibited', 3: 'address-unreachable', 4: 'port-unreachable', 5: 'administratively-prohibited', 6: 'administratively-prohibited',
};
/** Linux's tab_unreach (net/ipv6/icmp.c icmpv6_err_convert); EPROTO past its end. */
const V6_ERRNO = ['ENETUNREACH', 'EACCES', 'EHOSTUNREACH', 'EHOSTUNREACH', 'ECONNREFUSED', 'EACCES', 'EACCES'];

/** A destination unreachable's reason, and the errno Linux reports for it to the application. */
export function icmpReason(e: IcmpRecord): Reason {
  const [names, errnos, beyond] = e.version === 4 ? [V4_NAMES, V4_ERRNO, 'EHOSTUNREACH'] : [V6_NAMES, V6_ERRNO, 'EPROTO'];
  return { detail: names[e.code] ?? `code-${e.code}`, errno: errnos[e.code] ?? beyond };
}
