// Protocol answers in the contract's shapes: one sensor and one event record type for IPMI and
// Redfish alike.
import type { SelEntry, SensorReading } from '../../protocols/ipmi';
import type { PowerState as RedfishPowerState, Reading } from '../../protocols/redfish';
import type { PowerState, Sensor, SelRecord } from '../../../shared/contract/schemas/power';

export function redfishPowerState(s: RedfishPowerState): PowerState {
  switch (s) {
    case 'On':
      return 'on';
    case 'Off':
      return 'off';
    case 'PoweringOn':
      return 'powering-on';
    case 'PoweringOff':
      return 'powering-off';
    case 'Paused':
      return 'paused';
  }
}

export function ipmiSensor(r: SensorReading): Sensor {
  let status: Sensor['status'];
  if (r.state === 'unavailable' || r.state === 'scanning-disabled') status = 'absent';
  else if (r.state !== 'ok' || !r.status) status = 'unknown';
  else status = r.status === 'ok' ? 'ok' : r.status === 'non-critical' ? 'warning' : 'critical';
  return { name: r.name, kind: r.type, value: r.value ?? null, unit: r.unit, status };
}

export function redfishSensor(r: Reading): Sensor {
  return { name: r.name, kind: r.kind, value: r.value, unit: r.unit, status: r.status };
}

// Table 42-2, generic threshold event offsets.
const THRESHOLD_EVENTS = [
  'Lower Non-critical going low', 'Lower Non-critical going high', 'Lower Critical going low', 'Lower Critical going high',
  'Lower Non-recoverable going low', 'Lower Non-recoverable going high', 'Upper Non-critical going low', 'Upper Non-critical going high',
  'Upper Critical going low', 'Upper Critical going high', 'Upper Non-recoverable going low', 'Upper Non-recoverable going high',
];
const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

export function ipmiSelRecord(e: SelEntry): SelRecord {
  const time = e.timestamp && Number.isFinite(e.timestamp.getTime()) ? e.timestamp.toISOString() : null;
  if (e.kind !== 'system') return { id: e.recordId, time, sensor: e.kind === 'unknown' ? `record type ${hex(e.recordType)}` : 'OEM', event: e.raw.toString('hex') };
  const offset = (e.eventData?.[0] ?? 0) & 0x0f;
  const what = e.eventType === 0x01 && offset < THRESHOLD_EVENTS.length ? THRESHOLD_EVENTS[offset] : `event type ${hex(e.eventType ?? 0)} offset ${offset}`;
  return {
    id: e.recordId,
    time,
    sensor: `${e.sensorTypeName ?? 'sensor'} #${e.sensorNumber ?? 0}`,
    event: `${what} | ${e.assertion ? 'Asserted' : 'Deasserted'}`,
  };
}
