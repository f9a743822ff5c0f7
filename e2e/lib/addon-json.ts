/**
 * The parts of the add-on's storage.local records that e2e tests read (src/extension/store: wallet.ts,
 * spends.ts), as plain JSON.
 */
export interface WalletJson {
  tickets: { text: string }[];
}

export interface SpendsJson {
  pending: unknown[];
  sessions: { site: string; className: string }[];
  log: { site: string; outcome: string; detail: string }[];
}
