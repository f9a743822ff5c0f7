export * from '../../src/core/tickets/index.js';
export { InputError } from '../../src/core/util/errors.js';
export { bytesToBase64url, bytesToHex, hexToBytes } from '../../src/core/util/bytes.js';
