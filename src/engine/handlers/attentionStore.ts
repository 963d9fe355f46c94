// What the worker keeps of a traced sequence, and what the Attention panel's
// requests read out of it. A model call traces [head][query][key] scores and
// weights for every layer: 1.2 GB for a 1,024-token prefill of GPT-2. Kept
// instead: each query row's scaled scores over the keys it may read (a cached
// step adds one row per layer and head; a prefill the lower triangle), and each
// row's log-sum-exp, so that a weight is exp(score − lse) — the softmax the
// model computed, to float rounding — and nothing above the diagonal is stored.
// A short prefill (≤ DENSE_PREFILL keys) keeps its whole rows, so the stages
// view can still show the later keys that the mask sets to −∞.
//
// With prompt learning's virtual tokens attached (model/virtual.ts), every row
// also reads the n virtual columns, kept in front of its real keys: the
// window's positions are the real tokens', and the virtual columns are read
// apart (`virtualWeights`, `virtualShare`).
//
// Plain arrays only: no tensors, no model, so every reader here is a pure
// function of the stored frames.

import type { Guess, HeadHabit, HeadStages, StepWindow, WeightMatrix } from '../attentionProtocol.ts';
import type { AttentionTrace } from '../../model/trace.ts';

/** Prefills whose window is at most this long keep the scores of later keys too (16 k cells per head). */
export const DENSE_PREFILL = 128;

/** One model call, as kept. Indices are positions in the sequence. */
export interface StoredFrame {
  queryStart: number;
  queryCount: number;
  keyStart: number;
  /** Real keys of the window (the virtual columns not counted). */
  keyCount: number;
  /** Virtual columns before every row's real keys (0 without prompt learning). */
  virtual: number;
  /** Row r's columns lie at [rowStart[r], rowStart[r + 1]) of each head's block: the `virtual` columns, then keys 0 … of the window. */
  rowStart: Uint32Array;
  /** Per layer: [head][packed rows], Q·Kᵀ/√d_head. */
  scores: Float32Array[];
  /** Per layer: [head][row], log Σ exp(score) over the keys the row may read. */
  lse: Float64Array[];
  /** The logit lens of every row: [row][stage][rank] (empty where it was not read out). */
  lens: Guess[][][];
}

/**
 * Keeps the rows of one traced call (`layers` of its trace; its first query is
 * sequence position `queryStart`; its first `virtual` key columns are virtual tokens').
 */
export function storeFrame(layers: readonly AttentionTrace[], queryStart: number, keyStart: number, lens: Guess[][][], virtual = 0): StoredFrame {
  const { queryCount: Q, keyCount: columns, numHeads: H } = layers[0];
  const V = virtual;
  const K = columns - V; // real keys
  const first = queryStart - keyStart; // window row of the first query
  const dense = first === 0 && K <= DENSE_PREFILL;
  const rowStart = new Uint32Array(Q + 1);
  for (let r = 0; r < Q; r++) rowStart[r + 1] = rowStart[r] + V + (dense ? K : Math.min(K, first + r + 1));
  const cells = rowStart[Q];
  const scores: Float32Array[] = [];
  const lse: Float64Array[] = [];
  for (const a of layers) {
    const packed = new Float32Array(H * cells);
    const sums = new Float64Array(H * Q);
    for (let h = 0; h < H; h++) {
      for (let r = 0; r < Q; r++) {
        const from = h * Q * columns + r * columns;
        const length = rowStart[r + 1] - rowStart[r];
        packed.set(a.scores.subarray(from, from + length), h * cells + rowStart[r]);
        const open = V + first + r + 1; // the virtual columns and keys 0 … first + r may be read
        let max = -Infinity;
        for (let k = 0; k < open; k++) max = Math.max(max, a.scores[from + k]);
        let sum = 0;
        for (let k = 0; k < open; k++) sum += Math.exp(a.scores[from + k] - max);
        sums[h * Q + r] = max + Math.log(sum);
      }
    }
    scores.push(packed);
    lse.push(sums);
  }
  return { queryStart, queryCount: Q, keyStart, keyCount: K, virtual: V, rowStart, scores, lse, lens };
}

export function storedBytes(frames: readonly StoredFrame[]): number {
  let bytes = 0;
  for (const f of frames) {
    bytes += f.rowStart.byteLength;
    for (const s of f.scores) bytes += s.byteLength;
    for (const l of f.lse) bytes += l.byteLength;
  }
  return bytes;
}

/** A prefill's first query is the first token of its window; a cached step's is the newest token. */
const isPrefill = (f: StoredFrame) => f.queryStart === f.keyStart;

export const windowOf = (f: StoredFrame): StepWindow => ({ keyStart: f.keyStart, keyCount: f.keyCount });

/** Step `step` of a sequence: its window, and for each of its rows the frame and row that computed it. */
export class StepRows {
  readonly step: number;
  readonly keyStart: number;
  /** Rows (= keys) of the window. */
  readonly size: number;
  /** Virtual columns every row reads before the window's keys. */
  readonly virtual: number;
  private readonly frameAt: StoredFrame[] = [];
  private readonly rowIn: Int32Array;

  constructor(frames: readonly StoredFrame[], step: number) {
    if (frames.length === 0) throw new Error('The sequence holds no steps.');
    const s = Math.max(0, Math.min(Math.round(step), frames.length - 1));
    let p = s;
    while (p > 0 && !isPrefill(frames[p])) p--;
    const last = frames[s];
    this.step = s;
    this.keyStart = last.keyStart;
    this.size = last.keyCount;
    this.virtual = last.virtual;
    this.rowIn = new Int32Array(this.size).fill(-1);
    for (let i = p; i <= s; i++) {
      const f = frames[i];
      for (let r = 0; r < f.queryCount; r++) {
        const q = f.queryStart - this.keyStart + r;
        this.frameAt[q] = f;
        this.rowIn[q] = r;
      }
    }
    if (this.rowIn.some((r) => r < 0) || frames[p].keyStart !== last.keyStart) {
      throw new Error(`Steps ${p}…${s} do not tile the window of ${this.size} keys.`);
    }
  }

  /** Window row `row`, or the newest when −1 or out of range. */
  resolve(row: number): number {
    return row >= 0 && row < this.size ? Math.round(row) : this.size - 1;
  }

  private at(q: number): { f: StoredFrame; r: number } {
    return { f: this.frameAt[q], r: this.rowIn[q] };
  }

  /** Weights of query `q` at keys [from, to) into `out` at `offset` (0 for keys after q). */
  weights(layer: number, head: number, q: number, from: number, to: number, out: Float32Array, offset = 0): void {
    const { f, r } = this.at(q);
    const cells = f.rowStart[f.queryCount];
    const base = head * cells + f.rowStart[r] + f.virtual;
    const s = f.scores[layer];
    const lse = f.lse[layer][head * f.queryCount + r];
    const open = Math.min(to, q + 1);
    for (let k = from; k < to; k++) out[offset + k - from] = k < open ? Math.exp(s[base + k] - lse) : 0;
  }

  /** Weights of query `q` on the virtual columns into `out` at `offset`; their sum. */
  virtualWeights(layer: number, head: number, q: number, out: Float32Array = new Float32Array(this.virtual), offset = 0): number {
    const { f, r } = this.at(q);
    const base = head * f.rowStart[f.queryCount] + f.rowStart[r];
    const lse = f.lse[layer][head * f.queryCount + r];
    let sum = 0;
    for (let k = 0; k < f.virtual; k++) sum += out[offset + k] = Math.exp(f.scores[layer][base + k] - lse);
    return sum;
  }

  /** Rows [start, start + size) of one head's weights on the virtual columns: size × virtual. */
  virtualBlock(layer: number, head: number, start: number, size: number): Float32Array {
    const out = new Float32Array(size * this.virtual);
    for (let r = 0; r < size; r++) this.virtualWeights(layer, head, start + r, out, r * this.virtual);
    return out;
  }

  /** Mean over the window's rows of each row's total weight on the virtual columns: how much this head reads the prompt. */
  virtualShare(layer: number, head: number): number {
    if (this.virtual === 0) return 0;
    const scratch = new Float32Array(this.virtual);
    let sum = 0;
    for (let q = 0; q < this.size; q++) sum += this.virtualWeights(layer, head, q, scratch);
    return sum / this.size;
  }

  /** Rows and columns [start, start + size) of one head's weights. */
  block(layer: number, head: number, start: number, size: number): WeightMatrix {
    const values = new Float32Array(size * size);
    const masked = new Uint8Array(size * size);
    for (let r = 0; r < size; r++) {
      const q = start + r;
      this.weights(layer, head, q, start, start + size, values, r * size);
      for (let c = 0; c < size; c++) if (start + c > q) masked[r * size + c] = 1;
    }
    return { size, values, masked };
  }

  /**
   * One head in at most `side` × `side` cells: the exact matrix when it fits,
   * else each cell the mean weight of the block it covers (masked only when
   * the whole block is). Also the head's habit, read on the way, and (with
   * virtual tokens) its weights on the virtual columns, the rows averaged the
   * same way: matrix.size × virtual.
   */
  thumbnail(layer: number, head: number, side: number): { matrix: WeightMatrix; habit: HeadHabit; virtual: Float32Array | null } {
    const n = this.size;
    const V = this.virtual;
    const row = new Float32Array(n);
    const habitRows: [number, number, number, number][] = [];
    if (n <= side) {
      const matrix = this.block(layer, head, 0, n);
      const v = matrix.values;
      const virtual = V ? this.virtualBlock(layer, head, 0, n) : null;
      const onVirtual = (q: number) => (virtual ? virtual.subarray(q * V, (q + 1) * V).reduce((a, b) => a + b, 0) : 0);
      return { matrix, habit: habitOf(n, (q) => [v[q * n + q - 1], v[q * n + q], v[q * n], onVirtual(q)]), virtual };
    }
    const virtualSums = V ? new Float64Array(side * V) : null;
    const rowsIn = new Uint32Array(side);
    const virtualRow = new Float32Array(V);
    const sums = new Float64Array(side * side);
    const open = new Uint32Array(side * side);
    const bin = (i: number) => Math.min(side - 1, Math.floor((i * side) / n));
    const colBins = Int32Array.from({ length: n }, (_, k) => bin(k));
    for (let q = 0; q < n; q++) {
      this.weights(layer, head, q, 0, q + 1, row);
      const onVirtual = V ? this.virtualWeights(layer, head, q, virtualRow) : 0;
      habitRows.push([q > 0 ? row[q - 1] : 0, row[q], row[0], onVirtual]);
      rowsIn[bin(q)]++;
      for (let k = 0; k < V; k++) virtualSums![bin(q) * V + k] += virtualRow[k];
      const rowBase = bin(q) * side;
      for (let k = 0; k <= q; k++) {
        sums[rowBase + colBins[k]] += row[k];
        open[rowBase + colBins[k]]++;
      }
    }
    const values = new Float32Array(side * side);
    const masked = new Uint8Array(side * side);
    for (let i = 0; i < side * side; i++) {
      if (open[i] === 0) masked[i] = 1;
      else values[i] = sums[i] / open[i];
    }
    const virtual = virtualSums && Float32Array.from(virtualSums, (v, i) => v / Math.max(1, rowsIn[Math.floor(i / V)]));
    return { matrix: { size: side, values, masked }, habit: habitOf(n, (q) => habitRows[q]), virtual };
  }

  /** The four stages of one query over the columns its row kept: the virtual ones first, then its keys. */
  stages(layer: number, head: number, q: number, headSize: number): HeadStages {
    const { f, r } = this.at(q);
    const V = f.virtual;
    const cells = f.rowStart[f.queryCount];
    const length = f.rowStart[r + 1] - f.rowStart[r] - V; // real keys kept
    const base = head * cells + f.rowStart[r];
    const scaled = f.scores[layer].slice(base, base + V + length);
    const weights = new Float32Array(V + length);
    this.virtualWeights(layer, head, q, weights);
    this.weights(layer, head, q, 0, length, weights, V);
    const scale = Math.sqrt(headSize);
    return {
      virtual: V,
      keys: Array.from({ length }, (_, k) => this.keyStart + k),
      qk: scaled.map((v) => v * scale),
      scaled,
      masked: scaled.map((v, c) => (c < V || c - V <= q ? v : -Infinity)),
      weights,
    };
  }

  lens(q: number): Guess[][] {
    const { f, r } = this.at(q);
    return f.lens[r];
  }
}

/**
 * A first guess at a head's habit, from each row's weight on
 * [previous, self, first, the virtual columns]. Only a description of where
 * weight goes: not an explanation of what the head contributes.
 */
export function habitOf(n: number, row: (q: number) => [number, number, number, number?]): HeadHabit {
  if (n < 2) return { kind: 'self', weight: 1 };
  const sums = { previous: 0, self: 0, first: 0, virtual: 0 };
  for (let q = 1; q < n; q++) {
    const [previous, self, first, virtual = 0] = row(q);
    sums.previous += previous;
    sums.self += self;
    sums.first += first;
    sums.virtual += virtual;
  }
  const best = (Object.keys(sums) as (keyof typeof sums)[]).reduce((a, b) => (sums[b] > sums[a] ? b : a));
  const weight = sums[best] / (n - 1);
  return weight >= 0.35 ? { kind: best, weight } : { kind: 'spread', weight: 1 - weight };
}

/** The habit of a whole matrix. */
export function headHabit(m: WeightMatrix): HeadHabit {
  const n = m.size;
  return habitOf(n, (q) => [m.values[q * n + q - 1], m.values[q * n + q], m.values[q * n]]);
}
