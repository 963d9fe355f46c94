/**
 * Switching attention heads off (zero-ablation): a head's output — its
 * attention-weighted values, before the heads are merged and projected by
 * c_proj — is replaced by zeros, so the rest of the network runs without
 * what that head wrote into the residual stream. Zero- rather than
 * mean-ablation: simplest to explain ("the head says nothing"), and what
 * Olsson et al. (2022) call knocking a head out; mean-ablation would need a
 * reference distribution of inputs this playground does not have.
 */

/** One head of one block, both 0-based. */
export interface HeadRef {
  layer: number;
  head: number;
}

/**
 * Per layer, a multiplier per head (1 keeps it, 0 switches it off), or null
 * for a layer where every head runs. Heads outside the model are the caller's
 * to reject (GPT.run does).
 */
export function headKeepMasks(ablate: readonly HeadRef[], nLayer: number, nHead: number): (Float32Array | null)[] {
  const masks: (Float32Array | null)[] = new Array(nLayer).fill(null);
  for (const { layer, head } of ablate) {
    const mask = (masks[layer] ??= new Float32Array(nHead).fill(1));
    mask[head] = 0;
  }
  return masks;
}

/**
 * Heads as the link writes them, "layer.head" joined by commas ("1.2,3.0"):
 * sorted, without repeats. Pieces that are not two integers are returned in
 * `invalid`, so the caller can say what it ignored.
 */
export function parseHeadList(text: string): { heads: HeadRef[]; invalid: string[] } {
  const heads: HeadRef[] = [];
  const invalid: string[] = [];
  for (const piece of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const m = /^(\d{1,3})\.(\d{1,3})$/.exec(piece);
    if (!m) invalid.push(piece);
    else heads.push({ layer: Number(m[1]), head: Number(m[2]) });
  }
  return { heads: sortHeads(heads), invalid };
}

export function formatHeadList(heads: readonly HeadRef[]): string {
  return sortHeads(heads)
    .map((h) => `${h.layer}.${h.head}`)
    .join(',');
}

/** By layer then head, each once. */
export function sortHeads(heads: readonly HeadRef[]): HeadRef[] {
  const seen = new Set<string>();
  return heads
    .filter((h) => {
      const key = `${h.layer}.${h.head}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((h) => ({ layer: h.layer, head: h.head }))
    .sort((a, b) => a.layer - b.layer || a.head - b.head);
}

export function sameHead(a: HeadRef, b: HeadRef): boolean {
  return a.layer === b.layer && a.head === b.head;
}

/** The list with `head` added, or removed when it is already there. */
export function toggleHead(heads: readonly HeadRef[], head: HeadRef): HeadRef[] {
  return heads.some((h) => sameHead(h, head)) ? heads.filter((h) => !sameHead(h, head)) : sortHeads([...heads, head]);
}
