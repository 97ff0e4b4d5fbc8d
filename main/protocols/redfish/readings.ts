import { badResponse } from './errors';
import { odataId, type JsonObject, type RedfishConnection } from './session';
import { resolveSystemPath } from './systems';

// Thermal (Temperatures, Fans) and Power (PowerControl, Voltages) of a Chassis, normalized to
// one flat list. Only the classic Thermal/Power resources are read; the newer
// ThermalSubsystem/PowerSubsystem/Sensors model is not handled yet.

export type ReadingKind = 'temperature' | 'fan' | 'power' | 'voltage';
export type ReadingStatus = 'ok' | 'warning' | 'critical' | 'absent' | 'unknown';

export interface Reading {
  name: string;
  kind: ReadingKind;
  /** null when the sensor has no current reading (absent, powered off, not readable). */
  value: number | null;
  /** '°C', 'RPM', '%', 'W' or 'V'. */
  unit: string;
  status: ReadingStatus;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter((x): x is JsonObject => !!x && typeof x === 'object') : []);

function statusOf(item: JsonObject): ReadingStatus {
  const status = (item.Status ?? {}) as JsonObject;
  if (status.State === 'Absent') return 'absent';
  switch (status.Health) {
    case 'OK':
      return 'ok';
    case 'Warning':
      return 'warning';
    case 'Critical':
      return 'critical';
    default:
      return 'unknown';
  }
}

function nameOf(item: JsonObject, fallback: string): string {
  for (const key of ['Name', 'FanName', 'MemberId']) {
    if (typeof item[key] === 'string' && item[key]) return item[key] as string;
  }
  return fallback;
}

export function normalizeThermal(body: JsonObject): Reading[] {
  const temps = list(body.Temperatures).map((t, i): Reading => ({
    name: nameOf(t, `Temperature ${i}`),
    kind: 'temperature',
    value: num(t.ReadingCelsius),
    unit: '°C',
    status: statusOf(t),
  }));
  const fans = list(body.Fans).map((f, i): Reading => {
    // Thermal v1_3+: Reading + ReadingUnits (RPM or Percent); older: ReadingRPM.
    const percent = f.ReadingUnits === 'Percent';
    return {
      name: nameOf(f, `Fan ${i}`),
      kind: 'fan',
      value: num(f.Reading) ?? num(f.ReadingRPM),
      unit: percent ? '%' : 'RPM',
      status: statusOf(f),
    };
  });
  return [...temps, ...fans];
}

export function normalizePower(body: JsonObject): Reading[] {
  const power = list(body.PowerControl).map((p, i): Reading => ({
    name: nameOf(p, `Power control ${i}`),
    kind: 'power',
    value: num(p.PowerConsumedWatts),
    unit: 'W',
    status: statusOf(p),
  }));
  const volts = list(body.Voltages).map((v, i): Reading => ({
    name: nameOf(v, `Voltage ${i}`),
    kind: 'voltage',
    value: num(v.ReadingVolts),
    unit: 'V',
    status: statusOf(v),
  }));
  return [...power, ...volts];
}

/** The chassis to read: by Id, else the first chassis linked from the system, else the first chassis. */
async function resolveChassisPath(conn: RedfishConnection, opts: { systemId?: string; chassisId?: string }): Promise<string> {
  if (opts.chassisId === undefined) {
    const systemPath = await resolveSystemPath(conn, opts.systemId);
    const { body } = await conn.getJson(systemPath);
    const linked = (body.Links as JsonObject | undefined)?.Chassis;
    if (Array.isArray(linked) && linked.length > 0) return odataId(conn.host, linked[0], `GET ${systemPath}`);
  }
  const paths = await conn.members(await conn.rootLink('Chassis'));
  if (paths.length === 0) throw badResponse(conn.host, 'GET Chassis', 'the BMC lists no chassis');
  if (opts.chassisId === undefined) return paths[0];
  const found = paths.find((p) => decodeURIComponent(p.split('/').filter(Boolean).pop() ?? '') === opts.chassisId);
  if (!found) throw badResponse(conn.host, 'GET Chassis', `there is no chassis "${opts.chassisId}"`);
  return found;
}

export async function getReadings(conn: RedfishConnection, opts: { systemId?: string; chassisId?: string } = {}): Promise<Reading[]> {
  const chassisPath = await resolveChassisPath(conn, opts);
  const { body: chassis } = await conn.getJson(chassisPath);
  if (!chassis.Thermal && !chassis.Power) {
    throw badResponse(
      conn.host,
      `GET ${chassisPath}`,
      'the chassis links neither Thermal nor Power (BMCs with only ThermalSubsystem/PowerSubsystem are not supported yet)',
    );
  }
  const readings: Reading[] = [];
  if (chassis.Thermal) readings.push(...normalizeThermal((await conn.getJson(odataId(conn.host, chassis.Thermal, `GET ${chassisPath}`))).body));
  if (chassis.Power) readings.push(...normalizePower((await conn.getJson(odataId(conn.host, chassis.Power, `GET ${chassisPath}`))).body));
  return readings;
}
