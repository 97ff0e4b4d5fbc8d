import { AppError } from '../../../shared/errors';
import { REDFISH_ERROR, badResponse, redfishError } from './errors';
import { odataId, resourcePath, type JsonObject, type RedfishConnection } from './session';

// Systems collection, the ComputerSystem, PowerState and ComputerSystem.Reset.

export const RESET_TYPES = ['On', 'ForceOff', 'GracefulShutdown', 'ForceRestart', 'GracefulRestart', 'PowerCycle', 'Nmi'] as const;
export type ResetType = (typeof RESET_TYPES)[number];

export const POWER_STATES = ['On', 'Off', 'PoweringOn', 'PoweringOff', 'Paused'] as const;
export type PowerState = (typeof POWER_STATES)[number];

export interface SystemRef {
  id: string;
  path: string;
}

export interface ComputerSystemInfo {
  id: string;
  path: string;
  name: string | null;
  manufacturer: string | null;
  model: string | null;
  serialNumber: string | null;
  biosVersion: string | null;
  health: string | null;
  powerState: PowerState;
  /** Reset types the BMC advertises; null when it does not say (then any type is tried). */
  allowedResetTypes: string[] | null;
  chassisPaths: string[];
  etag: string | null;
}

export interface ResetResult {
  type: ResetType;
  /** HTTP status of the action: 200, 202 (with a task) or 204. */
  status: number;
  /** A task monitor path when the BMC answered 202 Accepted with a Location. */
  taskPath: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function lastSegment(path: string): string {
  const parts = path.split('/').filter(Boolean);
  return decodeURIComponent(parts[parts.length - 1] ?? '');
}

export async function listSystems(conn: RedfishConnection): Promise<SystemRef[]> {
  const paths = await conn.members(await conn.rootLink('Systems'));
  return paths.map((path) => ({ id: lastSegment(path), path }));
}

/** The path of the system with this Id, or of the first system when no Id is given. */
export async function resolveSystemPath(conn: RedfishConnection, systemId?: string): Promise<string> {
  const systems = await listSystems(conn);
  if (systems.length === 0) {
    throw badResponse(conn.host, 'GET Systems', 'the BMC lists no computer system');
  }
  if (systemId === undefined) return systems[0].path;
  const found = systems.find((s) => s.id === systemId);
  if (!found) {
    const known = systems.map((s) => s.id).join(', ');
    throw redfishError(
      REDFISH_ERROR.HTTP,
      `The BMC at ${conn.host} has no system "${systemId}" (it has: ${known}). Pick one of those.`,
      { host: conn.host, method: 'GET', path: systems[0].path, status: 404, redfishMessage: `no system "${systemId}"; known: ${known}`, messageId: null },
    );
  }
  return found.path;
}

function parsePowerState(host: string, what: string, value: unknown): PowerState {
  if (typeof value === 'string' && (POWER_STATES as readonly string[]).includes(value)) return value as PowerState;
  throw badResponse(host, what, `PowerState is ${JSON.stringify(value ?? null)}`);
}

function resetAction(system: JsonObject): JsonObject | null {
  const actions = system.Actions as JsonObject | undefined;
  const action = actions?.['#ComputerSystem.Reset'];
  return action && typeof action === 'object' ? (action as JsonObject) : null;
}

function inlineAllowable(action: JsonObject | null): string[] | null {
  const values = action?.['ResetType@Redfish.AllowableValues'];
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : null;
}

export function toSystemInfo(host: string, path: string, body: JsonObject, etag: string | null): ComputerSystemInfo {
  const links = body.Links as JsonObject | undefined;
  const chassis = Array.isArray(links?.Chassis) ? (links!.Chassis as unknown[]) : [];
  return {
    id: str(body.Id) ?? lastSegment(path),
    path,
    name: str(body.Name),
    manufacturer: str(body.Manufacturer),
    model: str(body.Model),
    serialNumber: str(body.SerialNumber),
    biosVersion: str(body.BiosVersion),
    health: str((body.Status as JsonObject | undefined)?.Health),
    powerState: parsePowerState(host, `GET ${path}`, body.PowerState),
    allowedResetTypes: inlineAllowable(resetAction(body)),
    chassisPaths: chassis.map((c) => odataId(host, c, `GET ${path}`)),
    etag,
  };
}

export async function getSystem(conn: RedfishConnection, systemId?: string): Promise<ComputerSystemInfo> {
  const path = await resolveSystemPath(conn, systemId);
  const { body, etag } = await conn.getJson(path);
  return toSystemInfo(conn.host, path, body, etag);
}

export async function getPowerState(conn: RedfishConnection, systemId?: string): Promise<PowerState> {
  return (await getSystem(conn, systemId)).powerState;
}

/** Allowed reset types: inline AllowableValues, else the action's ActionInfo; null if the BMC says neither. */
async function allowedResetTypes(conn: RedfishConnection, action: JsonObject): Promise<string[] | null> {
  const inline = inlineAllowable(action);
  if (inline) return inline;
  const info = action['@Redfish.ActionInfo'];
  if (typeof info !== 'string') return null;
  const { body } = await conn.getJson(resourcePath(conn.host, info, 'ComputerSystem.Reset ActionInfo'));
  const params = Array.isArray(body.Parameters) ? (body.Parameters as JsonObject[]) : [];
  const reset = params.find((p) => p && p.Name === 'ResetType');
  return Array.isArray(reset?.AllowableValues) ? (reset!.AllowableValues as unknown[]).filter((v): v is string => typeof v === 'string') : null;
}

export async function resetSystem(conn: RedfishConnection, type: ResetType, systemId?: string): Promise<ResetResult> {
  if (!(RESET_TYPES as readonly string[]).includes(type)) {
    throw redfishError(
      REDFISH_ERROR.RESET_TYPE_UNSUPPORTED,
      `"${String(type)}" is not a reset type ClusterDeck knows. Use one of ${RESET_TYPES.join(', ')}.`,
      { host: conn.host, resetType: String(type), allowed: RESET_TYPES.join(',') },
    );
  }
  const path = await resolveSystemPath(conn, systemId);
  const { body } = await conn.getJson(path);
  const action = resetAction(body);
  if (!action) {
    throw redfishError(
      REDFISH_ERROR.RESET_TYPE_UNSUPPORTED,
      `The BMC at ${conn.host} does not offer ComputerSystem.Reset on ${path}; power control is not possible through Redfish on this BMC.`,
      { host: conn.host, resetType: type, allowed: '' },
    );
  }
  const allowed = await allowedResetTypes(conn, action);
  if (allowed && !allowed.includes(type)) {
    throw redfishError(
      REDFISH_ERROR.RESET_TYPE_UNSUPPORTED,
      `The BMC at ${conn.host} does not allow the reset type ${type} for ${path}. It allows: ${allowed.join(', ') || 'none'}. Choose one of those.`,
      { host: conn.host, resetType: type, allowed: allowed.join(',') },
    );
  }
  const target = resourcePath(conn.host, action.target, `GET ${path}`);
  try {
    const res = await conn.request('POST', target, { body: { ResetType: type } });
    return { type, status: res.status, taskPath: res.status === 202 && res.location ? resourcePath(conn.host, res.location, `POST ${target}`) : null };
  } catch (e) {
    // A BMC that advertises a type but refuses it says so with 400 ActionParameterNotSupported.
    if (AppError.is(e) && e.code === REDFISH_ERROR.HTTP && e.params.status === 400 && /ActionParameter(NotSupported|ValueNotInList)|PropertyValueNotInList/.test(String(e.params.messageId))) {
      throw redfishError(
        REDFISH_ERROR.RESET_TYPE_UNSUPPORTED,
        `The BMC at ${conn.host} refused the reset type ${type}${e.params.redfishMessage ? `: ${e.params.redfishMessage}` : ''}. Choose another reset type.`,
        { ...e.params, resetType: type },
      );
    }
    throw e;
  }
}
