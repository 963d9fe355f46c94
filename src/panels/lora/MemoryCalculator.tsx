// How much GPU memory fine-tuning a 7B, 13B or 70B model takes — full, LoRA or
// QLoRA — with every assumption written out beside the bars, and the sequence
// length, batch size and recomputation that decide the activations.

import { useMemo, useState } from 'react';
import { type FineTuneAssumptions, type Recomputation, RECOMPUTATIONS } from '../../lessons/costs.ts';
import { createStackedBars } from '../../charts/lora/stackedBars.ts';
import { ChartView } from '../ChartView.tsx';
import {
  BATCH_SIZES,
  GPU_SIZES,
  MEMORY_KEYS,
  MEMORY_MODELS,
  RECOMPUTATION_LABELS,
  SEQUENCE_LENGTHS,
  formatGB,
  memoryAssumptions,
  memoryRows,
  memoryVerdicts,
} from './memory.ts';

/** LLaMA-2 7B, 13B and 70B all have heads of 128 dimensions. */
const HEAD_SIZE = MEMORY_MODELS[0].nEmbd / MEMORY_MODELS[0].nHead;

const createMemoryBars = (el: HTMLElement) => createStackedBars(el, { title: 'GPU memory to fine-tune LLaMA-2 models' });

export function MemoryCalculator({ rank }: { rank: number }) {
  const [precision, setPrecision] = useState<FineTuneAssumptions['weights']>('bf16');
  const [sequenceLength, setSequenceLength] = useState(2048);
  const [batchSize, setBatchSize] = useState(1);
  const [recomputation, setRecomputation] = useState<Recomputation>('none');
  const assumptions = memoryAssumptions(rank, precision, { sequenceLength, batchSize, recomputation });
  // One chart per model, each on its own scale: what matters is full vs LoRA vs QLoRA against a GPU's memory.
  const charts = useMemo(() => {
    const rows = memoryRows(assumptions);
    return MEMORY_MODELS.map((m, i) => ({
      name: m.name,
      data: { keys: MEMORY_KEYS, rows: rows.filter((r) => r.group === m.name), format: formatGB, references: GPU_SIZES, legend: i === MEMORY_MODELS.length - 1 },
    }));
  }, [rank, precision, sequenceLength, batchSize, recomputation]);
  const verdicts = memoryVerdicts(assumptions);
  const sbh = `${sequenceLength.toLocaleString('en')} · ${batchSize} · h`;
  const squareTerm = (5 * sequenceLength) / HEAD_SIZE;
  return (
    <section className="lora-section" aria-labelledby="lora-memory-title">
      <h3 id="lora-memory-title">Memory to fine-tune a large model</h3>
      <div className="controls">
        <label className="field">
          <span className="field-label">Weights held in</span>
          <select value={precision} data-testid="lora-memory-precision" onChange={(e) => setPrecision(e.target.value as FineTuneAssumptions['weights'])}>
            <option value="bf16">bf16 (2 bytes), mixed precision</option>
            <option value="fp32">fp32 (4 bytes)</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">Sequence length (tokens)</span>
          <select value={sequenceLength} data-testid="lora-memory-sequence" onChange={(e) => setSequenceLength(Number(e.target.value))}>
            {SEQUENCE_LENGTHS.map((s) => (
              <option key={s} value={s}>
                {s.toLocaleString('en')}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Batch size (sequences)</span>
          <select value={batchSize} data-testid="lora-memory-batch" onChange={(e) => setBatchSize(Number(e.target.value))}>
            {BATCH_SIZES.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Activations kept for the backward pass</span>
          <select value={recomputation} data-testid="lora-memory-recomputation" onChange={(e) => setRecomputation(e.target.value as Recomputation)}>
            {RECOMPUTATIONS.map((r) => (
              <option key={r} value={r}>
                {RECOMPUTATION_LABELS[r]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div data-testid="lora-memory">
        {charts.map((c) => (
          <ChartView key={c.name} create={createMemoryBars} data={c.data} className="chart lora-bars" />
        ))}
      </div>
      <ul className="small" data-testid="lora-memory-verdicts">
        {MEMORY_MODELS.map((m) => {
          const rows = verdicts.filter((v) => v.model === m.name);
          return (
            <li key={m.name}>
              <strong>{m.name}</strong>, activations {formatGB(rows[0].activations)}:{' '}
              {rows
                .map((v) => `${v.method} ${formatGB(v.total)} (${v.fitsOn ? `fits in ${v.fitsOn}` : `more than ${GPU_SIZES[GPU_SIZES.length - 1].label}`})`)
                .join('; ')}
              .
            </li>
          );
        })}
      </ul>
      <details className="small lora-assumptions" open>
        <summary>Assumptions</summary>
        <ul>
          <li>
            Full fine-tuning with Adam keeps, for every weight, the weight ({precision}), its gradient ({precision}) and two fp32 moments (8 bytes)
            {precision === 'bf16' ? ', plus an fp32 master copy (4 bytes) under mixed precision' : ''}.
          </li>
          <li>
            LoRA: rank {assumptions.loraRank} (the slider above) on {assumptions.loraTargetsPerLayer} d × d matrices per layer (queries and values, as in the
            LoRA paper); only those r·2d values per matrix have gradients and Adam state (fp32). The frozen base stays in {precision}.
          </li>
          <li>QLoRA: the same adapter over a base stored in 4-bit NF4, with double quantisation (about 0.127 extra bits per weight for the constants).</li>
          <li>
            Activations, per layer, for s = {sequenceLength.toLocaleString('en')} tokens, b = {batchSize} sequence{batchSize === 1 ? '' : 's'}, width h and a
            heads, in 16-bit (Korthikanti et al. 2022, &ldquo;Reducing Activation Recomputation in Large Transformer Models&rdquo;):{' '}
            {recomputation === 'none' && (
              <>
                s·b·h·(34 + 5·a·s/h) bytes. The 5·a·s/h part is the attention scores and softmax, an s × s matrix per head, so it grows with the
                square of the length: with the head size h/a = {HEAD_SIZE} of all three models it is {squareTerm} here, against 34 for everything else.
              </>
            )}
            {recomputation === 'selective' && (
              <>
                34·s·b·h bytes = 34 · {sbh}. Selective recomputation drops the s × s attention matrices and computes them again in the backward pass;
                FlashAttention never stores them in the first place, so it lands on the same figure.
              </>
            )}
            {recomputation === 'full' && (
              <>
                2·s·b·h bytes = 2 · {sbh}: only each layer&apos;s input is kept, and the backward pass runs each layer&apos;s forward again, one layer at a time
                (about a third more compute). That one layer&apos;s activations are held briefly as well, and are not counted here.
              </>
            )}{' '}
            The same for every method: LoRA still back-propagates through the frozen layers. The paper&apos;s formula is for a GPT-style block; LLaMA&apos;s
            SwiGLU MLP and missing dropout change the 34 by a few units.
          </li>
          <li>Not counted: the CUDA context, temporary buffers and fragmentation (often a few GB more); paged optimizers (QLoRA) can move the Adam state to CPU memory when the GPU runs short. GB = 10⁹ bytes.</li>
        </ul>
      </details>
    </section>
  );
}
