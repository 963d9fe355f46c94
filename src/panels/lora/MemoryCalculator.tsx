// How much GPU memory fine-tuning a 7B, 13B or 70B model takes — full, LoRA or
// QLoRA — with every assumption written out beside the bars.

import { useMemo, useState } from 'react';
import type { FineTuneAssumptions } from '../../lessons/costs.ts';
import { createStackedBars } from '../../charts/lora/stackedBars.ts';
import { D3View } from '../D3View.tsx';
import { GPU_SIZES, MEMORY_KEYS, MEMORY_MODELS, formatGB, memoryAssumptions, memoryRows } from './memory.ts';

const createMemoryBars = (el: HTMLElement) => createStackedBars(el, { title: 'GPU memory to fine-tune LLaMA-2 models' });

export function MemoryCalculator({ rank }: { rank: number }) {
  const [precision, setPrecision] = useState<FineTuneAssumptions['weights']>('bf16');
  const assumptions = memoryAssumptions(rank, precision);
  // One chart per model, each on its own scale: what matters is full vs LoRA vs QLoRA against a GPU's memory.
  const charts = useMemo(() => {
    const rows = memoryRows(assumptions);
    return MEMORY_MODELS.map((m, i) => ({
      name: m.name,
      data: { keys: MEMORY_KEYS, rows: rows.filter((r) => r.group === m.name), format: formatGB, references: GPU_SIZES, legend: i === MEMORY_MODELS.length - 1 },
    }));
  }, [rank, precision]);
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
      </div>
      <div data-testid="lora-memory">
        {charts.map((c) => (
          <D3View key={c.name} create={createMemoryBars} data={c.data} className="chart lora-bars" />
        ))}
      </div>
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
            Activations: {assumptions.tokensPerBatch.toLocaleString('en')} tokens per batch × layers × width × {assumptions.activationFactor} bytes (Korthikanti
            et al. 2022, 16-bit, no recomputation) — the same for every method; gradient checkpointing would shrink it.
          </li>
          <li>Not counted: the CUDA context, temporary buffers and fragmentation (often a few GB more); paged optimizers (QLoRA) can move the Adam state to CPU memory when the GPU runs short. GB = 10⁹ bytes.</li>
        </ul>
      </details>
    </section>
  );
}
