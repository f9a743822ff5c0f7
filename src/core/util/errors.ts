/**
 * Typed errors shared by every public entry point.
 * InputError: the caller passed bad input; nothing was changed.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    /** The argument or field that was wrong, e.g. "header" or "params[2]". */
    readonly argument: string,
    message: string,
  ) {
    super(`${argument}: ${message}`);
  }
}
