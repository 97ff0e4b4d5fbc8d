// The privilege a session asks for: a name or a level, checked against what RMCP+ allows.
import { Privilege } from '../constants';
import { ipmiError } from '../errors';
import type { IpmiEndpoint } from '../types';

/** USER, OPERATOR, ADMINISTRATOR or OEM as a level; administrator when not given. */
export function normalizePrivilege(p: IpmiEndpoint['privilege']): number {
  if (p === undefined) return Privilege.administrator;
  if (typeof p === 'number') {
    if (p >= Privilege.user && p <= Privilege.oem) return p;
  } else {
    const v = (Privilege as Record<string, number>)[p.toLowerCase()];
    if (v !== undefined && v >= Privilege.user) return v;
  }
  throw ipmiError('IPMI_INVALID_ARGUMENT', `Unsupported IPMI privilege "${String(p)}": use user, operator or administrator.`, {
    privilege: String(p),
  });
}
