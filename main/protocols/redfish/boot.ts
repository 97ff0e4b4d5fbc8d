import { AppError } from '../../../shared/errors';
import { REDFISH_ERROR, redfishError } from './errors';
import type { JsonObject, RedfishConnection } from './session';
import { resolveSystemPath } from './systems';

// Boot source override on the ComputerSystem (`Boot.BootSourceOverride*`), set with PATCH.

export const BOOT_TARGETS = ['None', 'Pxe', 'Hdd', 'BiosSetup'] as const;
export type BootTarget = (typeof BOOT_TARGETS)[number];
export const BOOT_ENABLED = ['Once', 'Continuous', 'Disabled'] as const;
export type BootEnabled = (typeof BOOT_ENABLED)[number];
export const BOOT_MODES = ['UEFI', 'Legacy'] as const;
export type BootMode = (typeof BOOT_MODES)[number];

export interface BootOverride {
  /** As reported by the BMC (may be a target ClusterDeck does not set, such as Cd or Usb). */
  target: string | null;
  enabled: string | null;
  mode: string | null;
  allowedTargets: string[] | null;
  allowedModes: string[] | null;
  /** ETag of the ComputerSystem when read; pass it back to `setBootOverride` for If-Match. */
  etag: string | null;
}

export interface BootOverrideSettings {
  target: BootTarget;
  /** Default: Once. */
  enabled?: BootEnabled;
  /** Left unchanged when omitted. */
  mode?: BootMode;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strings = (v: unknown): string[] | null => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null);

function readBoot(body: JsonObject, etag: string | null): BootOverride {
  const boot = (body.Boot ?? {}) as JsonObject;
  return {
    target: str(boot.BootSourceOverrideTarget),
    enabled: str(boot.BootSourceOverrideEnabled),
    mode: str(boot.BootSourceOverrideMode),
    allowedTargets: strings(boot['BootSourceOverrideTarget@Redfish.AllowableValues']),
    allowedModes: strings(boot['BootSourceOverrideMode@Redfish.AllowableValues']),
    etag,
  };
}

export async function getBootOverride(conn: RedfishConnection, systemId?: string): Promise<BootOverride> {
  const path = await resolveSystemPath(conn, systemId);
  const { body, etag } = await conn.getJson(path);
  return readBoot(body, etag);
}

function unsupported(host: string, what: string, value: string, allowed: readonly string[]): AppError {
  return redfishError(
    REDFISH_ERROR.BOOT_SETTING_UNSUPPORTED,
    `The BMC at ${host} does not support the boot ${what} ${value}. It supports: ${allowed.join(', ') || 'none'}. Choose one of those.`,
    { host, setting: what, value, allowed: allowed.join(',') },
  );
}

/**
 * PATCHes the boot override. With `etag`, the PATCH carries `If-Match` and fails with HTTP 412
 * when the system changed since it was read. Without it, a BMC that insists on If-Match (428)
 * gets one retry with the ETag it reports now.
 */
export async function setBootOverride(
  conn: RedfishConnection,
  settings: BootOverrideSettings,
  options: { etag?: string | null; systemId?: string } = {},
): Promise<void> {
  const enabled = settings.enabled ?? 'Once';
  if (!(BOOT_TARGETS as readonly string[]).includes(settings.target)) throw unsupported(conn.host, 'target', String(settings.target), BOOT_TARGETS);
  if (!(BOOT_ENABLED as readonly string[]).includes(enabled)) throw unsupported(conn.host, 'override mode', String(enabled), BOOT_ENABLED);
  if (settings.mode !== undefined && !(BOOT_MODES as readonly string[]).includes(settings.mode)) {
    throw unsupported(conn.host, 'mode', String(settings.mode), BOOT_MODES);
  }

  const path = await resolveSystemPath(conn, options.systemId);
  const { body, etag: currentEtag } = await conn.getJson(path);
  const current = readBoot(body, currentEtag);
  if (current.allowedTargets && !current.allowedTargets.includes(settings.target)) {
    throw unsupported(conn.host, 'target', settings.target, current.allowedTargets);
  }
  if (settings.mode && current.allowedModes && !current.allowedModes.includes(settings.mode)) {
    throw unsupported(conn.host, 'mode', settings.mode, current.allowedModes);
  }

  const patch: JsonObject = { BootSourceOverrideTarget: settings.target, BootSourceOverrideEnabled: enabled };
  if (settings.mode) patch.BootSourceOverrideMode = settings.mode;
  const send = (etag: string | null | undefined) =>
    conn.request('PATCH', path, { body: { Boot: patch }, headers: etag ? { 'If-Match': etag } : {} });

  try {
    await send(options.etag);
  } catch (e) {
    const preconditionRequired = AppError.is(e) && e.code === REDFISH_ERROR.HTTP && e.params.status === 428;
    if (!preconditionRequired || options.etag || !currentEtag) throw e;
    await send(currentEtag);
  }
}
