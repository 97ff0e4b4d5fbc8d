// What each batch action does on one BMC, per protocol. Every operation opens one session (IPMI
// over the shared endpoint pool, or a Redfish session), does its work and closes the session
// whatever happens, so no BMC is left holding one.
import type { IpmiSession } from '../../protocols/ipmi';
import type { PrivilegeName } from '../../protocols/ipmi';
import type { RedfishApi, ResetType } from '../../protocols/redfish';
import type { PowerAction, PowerState, RunOptions, Sensor, SelRecord } from '../../../shared/contract/schemas/power';
import { powerError } from './errors';
import { readLanSensors } from './lanSensors';
import { ipmiSensor, ipmiSelRecord, redfishPowerState, redfishSensor } from './normalize';

/** One action, written once per protocol. `value` is what the node's result carries. */
export interface BmcAction<V> {
  /** Audit action name and the verb in messages. */
  name: string;
  /** Lowest IPMI privilege that can do it (least privilege, and USER sessions skip a round trip). */
  privilege: PrivilegeName;
  /** Safe to run twice: timeouts may be retried. */
  idempotent: boolean;
  ipmi(s: IpmiSession): Promise<V>;
  redfish(api: RedfishApi, host: string): Promise<V>;
  /** How an ok result reads in the folded summary: `120 on, 6 off`. */
  label(value: V): string;
}

const unsupported = (what: string, protocol: string, host: string): Error =>
  powerError('POWER_UNSUPPORTED', `${what} is not available over ${protocol} in ClusterDeck yet (BMC ${host}); use the BMC's web interface.`, { what, protocol, host });

const RESET_TYPE: Record<'on' | 'off' | 'cycle' | 'reset' | 'soft', ResetType> = {
  on: 'On',
  off: 'ForceOff',
  cycle: 'PowerCycle',
  reset: 'ForceRestart',
  soft: 'GracefulShutdown',
};
const IPMI_CONTROL = { on: 'power-up', off: 'power-down', cycle: 'power-cycle', reset: 'hard-reset', soft: 'soft-shutdown' } as const;
const AFTER: Record<'on' | 'off' | 'cycle' | 'reset' | 'soft', PowerState | null> = { on: 'on', off: 'off', cycle: 'on', reset: 'on', soft: null };
const LABEL = { on: 'on', off: 'off', cycle: 'cycled', reset: 'reset', soft: 'shutdown requested' } as const;
const REDFISH_BOOT = { pxe: 'Pxe', disk: 'Hdd', bios: 'BiosSetup' } as const;

export function powerAction(action: PowerAction, o: RunOptions): BmcAction<PowerState | null> {
  switch (action) {
    case 'status':
      return {
        name: 'status',
        privilege: 'user',
        idempotent: true,
        ipmi: async (s) => ((await s.chassisStatus()).powerOn ? 'on' : 'off'),
        redfish: async (api) => redfishPowerState(await api.getPowerState()),
        label: (v) => v ?? 'unknown',
      };
    case 'on':
    case 'off':
    case 'cycle':
    case 'reset':
    case 'soft':
      return {
        name: action,
        privilege: 'operator',
        // Power on and off land in the same state however often they run; a cycle or reset twice is two.
        idempotent: action === 'on' || action === 'off',
        ipmi: async (s) => {
          await s.chassisControl(IPMI_CONTROL[action]);
          return AFTER[action];
        },
        redfish: async (api) => {
          await api.reset(RESET_TYPE[action]);
          return AFTER[action];
        },
        label: () => LABEL[action],
      };
    case 'identify': {
      const seconds = o.identifySeconds ?? 15;
      return {
        name: 'identify',
        privilege: 'operator',
        idempotent: true,
        ipmi: async (s) => {
          await s.identify({ intervalSec: seconds, force: o.identifyForce ?? false });
          return null;
        },
        redfish: async (_api, host) => {
          throw unsupported('Identify', 'Redfish', host);
        },
        label: () => (seconds === 0 && !o.identifyForce ? 'identify off' : 'identifying'),
      };
    }
    case 'bootdev': {
      const device = o.bootDevice ?? 'disk';
      return {
        name: 'bootdev',
        privilege: 'operator',
        idempotent: true,
        ipmi: async (s) => {
          await s.setBootDevice({ device, persistent: o.persistent ?? false, efi: o.uefi ?? false });
          return null;
        },
        redfish: async (api) => {
          await api.setBootOverride({ target: REDFISH_BOOT[device], enabled: o.persistent ? 'Continuous' : 'Once', mode: o.uefi ? 'UEFI' : undefined });
          return null;
        },
        label: () => `boot ${device}${o.persistent ? ' (persistent)' : ''}${o.uefi ? ' (UEFI)' : ''}`,
      };
    }
  }
}

export function sensorsAction(): BmcAction<Sensor[]> {
  return {
    name: 'sensors',
    privilege: 'user',
    idempotent: true,
    ipmi: async (s) => (await readLanSensors(s)).map(ipmiSensor),
    redfish: async (api) => (await api.getReadings()).map(redfishSensor),
    label: () => 'read',
  };
}

export function selAction(op: 'list' | 'clear'): BmcAction<SelRecord[] | null> {
  return op === 'list'
    ? {
        name: 'sel-list',
        privilege: 'user',
        idempotent: true,
        ipmi: async (s) => (await s.selEntries()).map(ipmiSelRecord),
        redfish: async (_api, host) => {
          throw unsupported('The event log', 'Redfish', host);
        },
        label: () => 'read',
      }
    : {
        name: 'sel-clear',
        privilege: 'operator',
        idempotent: true,
        ipmi: async (s) => {
          await s.clearSel();
          return null;
        },
        redfish: async (_api, host) => {
          throw unsupported('The event log', 'Redfish', host);
        },
        label: () => 'cleared',
      };
}
