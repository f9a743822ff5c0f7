import { ErrorCode, RpcError } from './errors.js';

/**
 * JSON-RPC messages as Stratum v1 uses them (one JSON object per WebSocket text frame or per line):
 *
 *   request       {"id": <number|string>, "method": <string>, "params": [...]}
 *   notification  {"id": null, "method": <string>, "params": [...]}   (id may also be absent)
 *   response      {"id": <number|string|null>, "result": <any>, "error": null | [code, message, data]}
 *
 * Stratum predates JSON-RPC 2.0 and omits "jsonrpc"; a "jsonrpc": "2.0" member is accepted and ignored.
 */
export type RpcId = number | string | null;

export interface RpcRequest {
  readonly kind: 'request';
  /** null for a notification. */
  readonly id: RpcId;
  readonly method: string;
  readonly params: readonly unknown[];
}

export interface RpcResponse {
  readonly kind: 'response';
  readonly id: RpcId;
  readonly result: unknown;
  readonly error: RpcErrorTriple | null;
}

export type RpcErrorTriple = readonly [code: number, message: string, data: unknown];
export type RpcMessage = RpcRequest | RpcResponse;

/** Limits on what a peer may send, checked before any other work. */
export const MAX_METHOD_LENGTH = 64;
export const MAX_ID_STRING_LENGTH = 64;
export const MAX_PARAMS = 16;

/** Thrown by decodeMessage: the error to send back and, when it could be read, the request id. */
export class RpcDecodeError extends RpcError {
  constructor(
    code: typeof ErrorCode.parseError | typeof ErrorCode.invalidRequest,
    message: string,
    readonly id: RpcId,
  ) {
    super(code, message);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeId(value: unknown): RpcId | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && value.length <= MAX_ID_STRING_LENGTH) return value;
  return undefined;
}

/** Decodes one message; throws RpcDecodeError (never anything else) on malformed input. */
export function decodeMessage(text: string): RpcMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RpcDecodeError(ErrorCode.parseError, 'parse error: not JSON', null);
  }
  if (!isPlainObject(value)) throw new RpcDecodeError(ErrorCode.invalidRequest, 'invalid request: expected an object', null);
  const id = decodeId(value['id']);
  if (id === undefined) throw new RpcDecodeError(ErrorCode.invalidRequest, 'invalid request: bad id', null);
  if ('method' in value) {
    const method = value['method'];
    if (typeof method !== 'string' || method.length === 0 || method.length > MAX_METHOD_LENGTH) {
      throw new RpcDecodeError(ErrorCode.invalidRequest, 'invalid request: bad method', id);
    }
    const params = value['params'] ?? [];
    if (!Array.isArray(params) || params.length > MAX_PARAMS) {
      throw new RpcDecodeError(ErrorCode.invalidRequest, 'invalid request: params must be an array', id);
    }
    return { kind: 'request', id, method, params };
  }
  if ('result' in value || 'error' in value) {
    const error = value['error'] ?? null;
    if (error !== null && !isErrorTriple(error)) {
      throw new RpcDecodeError(ErrorCode.invalidRequest, 'invalid response: bad error', id);
    }
    return { kind: 'response', id, result: value['result'] ?? null, error };
  }
  throw new RpcDecodeError(ErrorCode.invalidRequest, 'invalid request: no method', id);
}

function isErrorTriple(value: unknown): value is RpcErrorTriple {
  return Array.isArray(value) && value.length >= 2 && typeof value[0] === 'number' && typeof value[1] === 'string';
}

export function encodeRequest(id: RpcId, method: string, params: readonly unknown[]): string {
  return JSON.stringify({ id, method, params });
}

export function encodeResult(id: RpcId, result: unknown): string {
  return JSON.stringify({ id, result, error: null });
}

export function encodeError(id: RpcId, code: number, message: string): string {
  return JSON.stringify({ id, result: null, error: [code, message, null] });
}
