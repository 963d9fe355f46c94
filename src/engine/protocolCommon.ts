// Types every panel's protocol table uses (protocol.ts, samplingProtocol.ts,
// attentionProtocol.ts): kept here so that the combined table in protocol.ts
// can import the panels' tables without them importing it back.

/** Which model a call means: the one shipped with the page, or one trained here. */
export type ModelSlot = 'embedded' | 'custom';

export interface TokenPiece {
  id: number;
  /** The token decoded on its own (may be part of a multi-byte character). */
  text: string;
}
