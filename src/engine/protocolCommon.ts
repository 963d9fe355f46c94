// Types every panel's protocol table uses (protocol.ts, samplingProtocol.ts,
// attentionProtocol.ts): kept here so that the combined table in protocol.ts
// can import the panels' tables without them importing it back.

/**
 * Which model a call means: 'active' is the model chosen in the picker (or the link), which every
 * panel uses; 'training' holds a model while "Your own text" trains it, and no other panel uses it.
 */
export type ModelSlot = 'active' | 'training';

export interface TokenPiece {
  id: number;
  /** The token decoded on its own (may be part of a multi-byte character). */
  text: string;
}
