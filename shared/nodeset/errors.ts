// Node set errors: one AppError per failure with a stable code, the expression it came from and
// a human sentence saying what is wrong and where. The i18n catalog (shared/i18n) shows
// `{{message}}` for NODESET_SYNTAX / NODESET_RANGE and `{{group}}` for NODESET_UNKNOWN_GROUP,
// so those params are always present.
//
// Low-level code (range parsing) does not know the whole expression; it throws a NodeSetFault
// that the parser turns into an AppError once it knows the expression and the position.

import { AppError, type ErrorParams } from '../errors';

export const NODESET_SYNTAX = 'NODESET_SYNTAX';
export const NODESET_RANGE = 'NODESET_RANGE';
export const NODESET_UNKNOWN_GROUP = 'NODESET_UNKNOWN_GROUP';

export type NodeSetErrorCode = typeof NODESET_SYNTAX | typeof NODESET_RANGE | typeof NODESET_UNKNOWN_GROUP;

/** A problem found below the parser, before the expression and position are known. */
export class NodeSetFault {
  constructor(
    readonly code: NodeSetErrorCode,
    /** What is wrong, e.g. "the start must not exceed the end". */
    readonly reason: string,
    /** The faulty piece of a range, e.g. "10-1". */
    readonly part: string,
  ) {}
}

export interface NodeSetErrorDetail {
  /** The whole sentence (without the expression prefix). */
  message: string;
  /** 0-based offset in the expression, when known. */
  position?: number;
  /** Text fragment at fault. */
  part?: string;
  /** Group name as written (`@name` or `@source:name`), for group errors. */
  group?: string;
  source?: string;
}

export function nodeSetError(code: NodeSetErrorCode, expression: string, detail: NodeSetErrorDetail): AppError {
  const params: ErrorParams = { expression, message: detail.message };
  if (detail.position !== undefined) params.position = detail.position;
  if (detail.part !== undefined) params.part = detail.part;
  if (detail.group !== undefined) params.group = detail.group;
  if (detail.source !== undefined) params.source = detail.source;
  return new AppError(code, detail.message, params);
}

export function isNodeSetError(e: unknown): e is AppError {
  return AppError.is(e) && typeof e.code === 'string' && e.code.startsWith('NODESET_');
}

/** Quote a fragment for a message, keeping long expressions readable. */
export function quote(text: string, max = 80): string {
  const t = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return `"${t}"`;
}
