// Sensors over a LAN session. The IPMI client's readSensors() skips every SDR whose owner is not
// IPMB address 0x20 (it would need bridging), but behind a LAN session the BMC answers for the
// sensors it owns whatever its own address is: ipmi_sim's second and later MCs in one process
// (0x22, 0x24, ...) do, as do real BMCs that sit at another address. So the readings are asked
// directly, and only a refusal from the BMC marks a sensor unreadable.
import { NetFn, parseSensorReading, parseSensorRecord, type IpmiSession, type SensorReading } from '../../protocols/ipmi';

const UNAVAILABLE = new Set([0xcb, 0xcd, 0xd5]);

export async function readLanSensors(s: IpmiSession): Promise<SensorReading[]> {
  const out: SensorReading[] = [];
  for (const sdr of await s.sdrRecords()) {
    const rec = parseSensorRecord(sdr);
    if (!rec) continue;
    const res = await s.rawRequest(NetFn.sensorEvent, 0x2d, [rec.number], { lun: rec.ownerLun, what: 'Get Sensor Reading' });
    if (res.completionCode === 0) out.push(parseSensorReading(rec, res.data));
    else {
      out.push({ record: rec, name: rec.name, type: rec.sensorTypeName, unit: rec.unit, state: UNAVAILABLE.has(res.completionCode) ? 'unavailable' : 'error', completionCode: res.completionCode });
    }
  }
  return out;
}
