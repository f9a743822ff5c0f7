/**
 * Priority tickets: Abe–Okamoto partially blind signatures over ristretto255 (docs/tickets.md).
 *
 * API summary (names are stable; randomness `rand(n)` and clocks are always passed in):
 *   keys      SigningKey.generate(rand) / .fromText / .toText; PublicKey.fromText / .toText / .keyId;
 *             encodeKeyPair / decodeKeyPair (JSON); Keyring (rotate, addPublic, lookup, prune,
 *             toJSON/fromJSON); ticketExpiresAt(day, graceMs)
 *   day       utcDay(ms), parseDay, infoForDay(day) -> info bytes, startOfDay, addDays
 *   signer    signerCommit(key, info, rand) -> {state, commitment}; signerRespond(key, state, challenge)
 *             -> response (erases state); signerRestore(key, info, {u,s,d})
 *   user      userBlind(publicKey, info, msg, commitment, rand) -> {challenge, state};
 *             userUnblind(state, response) -> signature (checked; throws InputError if bad)
 *   verify    verify(publicKey, info, msg, signature) -> boolean (never throws)
 *   messages  encode/decode Commitment (64 B), Challenge (32 B), Response (128 B), Signature (128 B)
 *   tickets   newTicketSecret(rand) -> {x, msg}; createTicket; encodeTicket/decodeTicket (229 B);
 *             ticketToText/ticketFromText (base64url); spendId(ticket);
 *             verifyTicket(ticket, keyring, now) -> {ok} | {ok:false, reason}; acceptIssuanceDay
 *   sessions  SignerSessions (bounded open sessions per key and day, one challenge each, expiry,
 *             export/import for persistence, replay of a completed response on request)
 */
export * from './abe-okamoto.js';
export * from './day.js';
export * from './group.js';
export * from './hashes.js';
export * from './keys.js';
export * from './messages.js';
export * from './ticket.js';
export * from './signer-sessions.js';
