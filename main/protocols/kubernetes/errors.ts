// Turns what the API server answered into an AppError that names what to fix. The Status body
// Kubernetes sends (reason, details, causes) decides between "the object is gone" and "the CRD is
// not installed"; the request itself names the verb and resource for 403s. No header, and so no
// token, ever reaches a message.

import { AppError } from '../../../shared/errors';
import type { KindInfo } from './kinds';

export interface K8sStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: Array<{ reason?: string; message?: string; field?: string }> };
}

export interface RequestFacts {
  /** Kubernetes verb: get, list, watch, create, update, delete. */
  verb: string;
  /** "pytorchjobs.kubeflow.org", "pods", ... */
  resource: string;
  info?: KindInfo;
  namespace?: string | null;
  name?: string;
  server: string;
  context: string;
  user: string;
}

export function resourceName(info: KindInfo): string {
  return info.group ? `${info.plural}.${info.group}` : info.plural;
}

function where(f: RequestFacts): string {
  return `the API server ${f.server} (context "${f.context}")`;
}

function target(f: RequestFacts): string {
  const obj = f.name ? `${f.resource} "${f.name}"` : f.resource;
  return f.namespace ? `${obj} in namespace "${f.namespace}"` : obj;
}

export function parseStatus(text: string): K8sStatus | null {
  try {
    const v = JSON.parse(text) as K8sStatus;
    return v && v.kind === 'Status' ? v : null;
  } catch {
    return null;
  }
}

export function httpError(status: number, body: string, f: RequestFacts): AppError {
  const s = parseStatus(body);
  const base = { server: f.server, context: f.context, resource: f.resource, verb: f.verb, status };
  if (status === 401) {
    return new AppError('K8S_UNAUTHORIZED', `${where(f)} rejected the credentials of user "${f.user}" (HTTP 401): the token or client certificate has expired or is invalid; refresh the kubeconfig (get a new one from the cluster's administrator or your identity provider) and import it again`, { ...base, user: f.user });
  }
  if (status === 403) {
    return new AppError('K8S_FORBIDDEN', `user "${f.user}" may not ${f.verb} ${target(f)} on ${where(f)}${s?.message ? ` (${s.message})` : ''}; ask the cluster's administrator for a Role granting "${f.verb}" on "${f.resource}"`, { ...base, user: f.user, namespace: f.namespace ?? null });
  }
  if (status === 404) {
    // A missing object is a Status with reason NotFound; a missing group/version is a bare 404 page.
    if (f.info?.crd && s?.reason !== 'NotFound') {
      return new AppError('K8S_CRD_MISSING', `${f.info.crd.operator} is not installed on ${where(f)}: there is no ${f.info.group}/${f.info.version} ${f.info.kind} resource; install it (or pick a context whose cluster has it)`, { ...base, group: f.info.group, version: f.info.version, kind: f.info.kind });
    }
    return new AppError('K8S_NOT_FOUND', `${target(f)} does not exist on ${where(f)}${f.name ? ' (it was deleted, or never created there)' : ''}`, { ...base, name: f.name ?? null, namespace: f.namespace ?? null });
  }
  if (status === 409) {
    return new AppError('K8S_CONFLICT', `${target(f)} on ${where(f)}: ${s?.message ?? 'conflict'}${s?.reason === 'AlreadyExists' ? '; pick another name or delete the existing one' : '; it changed meanwhile, read it again and retry'}`, { ...base, reason: s?.reason ?? null });
  }
  if (status === 410) {
    return new AppError('K8S_GONE', `${where(f)}: ${s?.message ?? 'the resource version is too old'}; list again`, base);
  }
  if (status === 400) {
    // e.g. logs of a container that has not started yet: the server's message says why.
    return new AppError('K8S_BAD_REQUEST', `${where(f)} refused to ${f.verb} ${target(f)}: ${s?.message ?? 'bad request'}`, base);
  }
  if (status === 422) {
    const causes = (s?.details?.causes ?? []).map((c) => (c.field ? `${c.field}: ${c.message ?? c.reason}` : (c.message ?? c.reason ?? ''))).filter(Boolean);
    return new AppError('K8S_INVALID', `${where(f)} refused ${target(f)} as invalid: ${causes.length ? causes.join('; ') : (s?.message ?? `HTTP ${status}`)}`, { ...base, causes: causes.join('\n') });
  }
  return new AppError('K8S_REQUEST_FAILED', `${f.verb} ${target(f)} on ${where(f)} failed: HTTP ${status}${s?.message ? `: ${s.message}` : ''}`, base);
}

export function transportError(err: unknown, f: RequestFacts, ctx: { cancelled: boolean; timedOut: boolean; timeoutMs: number }): AppError {
  if (AppError.is(err)) return err;
  if (ctx.cancelled) return new AppError('K8S_CANCELLED', `${f.verb} ${target(f)} on ${where(f)} was cancelled`, { server: f.server, verb: f.verb });
  if (ctx.timedOut) return new AppError('K8S_TIMEOUT', `${where(f)} did not answer ${f.verb} ${target(f)} within ${ctx.timeoutMs} ms; check the network path to the cluster or raise the timeout`, { server: f.server, verb: f.verb, timeoutMs: ctx.timeoutMs });
  const e = err as { code?: string; message?: string };
  const code = e.code ?? e.message ?? String(err);
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME/i.test(code)) {
    return new AppError('K8S_TLS', `the TLS certificate of ${where(f)} was not accepted (${code}); the kubeconfig's certificate-authority-data must match the cluster`, { server: f.server, cause: code });
  }
  return new AppError('K8S_UNREACHABLE', `cannot reach ${where(f)} (${code}); check the server address in the kubeconfig and that the cluster is reachable from this machine`, { server: f.server, cause: code });
}
