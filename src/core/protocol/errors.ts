/**
 * Error codes of the client <-> relay protocol. Errors travel in Stratum v1's shape,
 * `[code, message, null]`, in the `error` member of a response.
 *
 * 20..25 are Stratum v1's codes; 30..36 are workpass's; the negative ones are JSON-RPC 2.0's
 * message-level codes (section 5.1 of the JSON-RPC 2.0 specification), used when a message
 * cannot be read as a request at all.
 */
export const ErrorCode = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  other: 20,
  jobNotFound: 21,
  duplicateShare: 22,
  lowDifficulty: 23,
  unauthorized: 24,
  notSubscribed: 25,
  insufficientCredit: 30,
  tooManySigning: 31,
  unknownSigningSession: 32,
  challengeAnswered: 33,
  sessionExpired: 34,
  rateLimited: 35,
  busy: 36,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The default message for each code (a relay may send a more precise one). */
export const ERROR_MESSAGES: Record<ErrorCodeValue, string> = {
  [-32700]: 'parse error',
  [-32600]: 'invalid request',
  [-32601]: 'method not found',
  [-32602]: 'invalid params',
  20: 'other/unknown',
  21: 'job not found (stale)',
  22: 'duplicate share',
  23: 'low difficulty share',
  24: 'unauthorized worker',
  25: 'not subscribed',
  30: 'insufficient credit',
  31: 'retry later: too many open signing sessions',
  32: 'unknown signing session',
  33: 'challenge already answered with a different e',
  34: 'session expired',
  35: 'rate limited',
  36: 'server busy',
};

/** A protocol-level refusal: carried to the peer as `[code, message, null]`. */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(
    readonly code: ErrorCodeValue,
    message: string = ERROR_MESSAGES[code],
  ) {
    super(message);
  }
}
