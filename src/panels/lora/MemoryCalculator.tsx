// How much GPU memory fine-tuning a 7B, 13B or 70B model takes — full, LoRA or
// QLoRA — with every assumption written out beside the bars, and the sequence
// length, batch size and recomputation that decide the activations.

import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type FineTuneAssumptions, type Recomputation, RECOMPUTATIONS } from '../../lessons/costs.ts';
import { createStackedBars } from '../../charts/lora/stackedBars.ts';
import { ChartView } from '../ChartView.tsx';
import { t } from '../../i18n/index.ts';
import { formatNumber } from '../format.ts';
import {
  BATCH_SIZES,
  GPU_SIZES,
  MEMORY_MODELS,
  SEQUENCE_LENGTHS,
  formatGB,
  memoryAssumptions,
  memoryKeys,
  memoryRows,
  memoryVerdicts,
  methodName,
  recomputationLabel,
} from './memory.ts';
import { RlhfMemory } from './RlhfMemory.tsx';
import { DEFAULT_PEFT } from '../../lessons/peftCosts.ts';

/** LLaMA-2 7B, 13B and 70B all have heads of 128 dimensions. */
const HEAD_SIZE = MEMORY_MODELS[0].nEmbd / MEMORY_MODELS[0].nHead;

const createMemoryBars = (el: HTMLElement) => createStackedBars(el, { title: t('lora:memory.chartTitle') });

export function MemoryCalculator({ rank }: { rank: number }) {
  const { t, i18n } = useTranslation('lora');
  const lang = i18n.language;
  const [precision, setPrecision] = useState<FineTuneAssumptions['weights']>('bf16');
  const [sequenceLength, setSequenceLength] = useState(2048);
  const [batchSize, setBatchSize] = useState(1);
  const [recomputation, setRecomputation] = useState<Recomputation>('none');
  const assumptions = memoryAssumptions(rank, precision, { sequenceLength, batchSize, recomputation });
  // One chart per model, each on its own scale: what matters is full vs LoRA vs QLoRA against a GPU's memory.
  const charts = useMemo(() => {
    const rows = memoryRows(assumptions);
    const keys = memoryKeys();
    return MEMORY_MODELS.map((m, i) => ({
      name: m.name,
      data: { keys, rows: rows.filter((r) => r.group === m.name), format: formatGB, references: GPU_SIZES, legend: i === MEMORY_MODELS.length - 1 },
    }));
  }, [rank, precision, sequenceLength, batchSize, recomputation, lang]);
  const verdicts = memoryVerdicts(assumptions);
  const sbh = `${formatNumber(sequenceLength)} · ${batchSize} · h`;
  const squareTerm = (5 * sequenceLength) / HEAD_SIZE;
  return (
    <section className="lora-section" aria-labelledby="lora-memory-title">
      <h3 id="lora-memory-title">{t('memory.title')}</h3>
      <div className="controls">
        <label className="field">
          <span className="field-label">{t('memory.weightsIn')}</span>
          <select value={precision} data-testid="lora-memory-precision" onChange={(e) => setPrecision(e.target.value as FineTuneAssumptions['weights'])}>
            <option value="bf16">{t('memory.bf16')}</option>
            <option value="fp32">{t('memory.fp32')}</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('memory.sequence')}</span>
          <select value={sequenceLength} data-testid="lora-memory-sequence" onChange={(e) => setSequenceLength(Number(e.target.value))}>
            {SEQUENCE_LENGTHS.map((s) => (
              <option key={s} value={s}>
                {formatNumber(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('memory.batch')}</span>
          <select value={batchSize} data-testid="lora-memory-batch" onChange={(e) => setBatchSize(Number(e.target.value))}>
            {BATCH_SIZES.map((b) => (
              <option key={b} value={b}>
                {formatNumber(b)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('memory.kept')}</span>
          <select value={recomputation} data-testid="lora-memory-recomputation" onChange={(e) => setRecomputation(e.target.value as Recomputation)}>
            {RECOMPUTATIONS.map((r) => (
              <option key={r} value={r}>
                {recomputationLabel(r)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div data-testid="lora-memory">
        {charts.map((c) => (
          <ChartView key={c.name} create={createMemoryBars} recreate={[lang]} data={c.data} className="chart lora-bars" />
        ))}
      </div>
      <ul className="small" data-testid="lora-memory-verdicts">
        {MEMORY_MODELS.map((m) => {
          const rows = verdicts.filter((v) => v.model === m.name);
          return (
            <li key={m.name}>
              <strong>{m.name}</strong>
              {t('memory.verdictHead', { activations: formatGB(rows[0].activations) })}
              {rows
                .map((v) =>
                  v.fitsOn
                    ? t('memory.fits', { method: methodName(v.method), total: formatGB(v.total), gpu: v.fitsOn })
                    : t('memory.tooBig', { method: methodName(v.method), total: formatGB(v.total), gpu: GPU_SIZES[GPU_SIZES.length - 1].label }),
                )
                .join(t('memory.verdictSeparator'))}
              {t('memory.verdictEnd')}
            </li>
          );
        })}
      </ul>
      <RlhfMemory assumptions={assumptions} />
      <details className="small lora-assumptions" open>
        <summary>{t('memory.assumptions')}</summary>
        <ul>
          <li>{t(precision === 'bf16' ? 'memory.fullMixed' : 'memory.full', { precision })}</li>
          <li>{t('memory.lora', { rank: assumptions.loraRank, targets: assumptions.loraTargetsPerLayer, precision })}</li>
          <li>{t('memory.qlora')}</li>
          <li>{t('memory.adalora', { initR: DEFAULT_PEFT.adaloraInitR })}</li>
          <li>{t('memory.promptTuning', { n: DEFAULT_PEFT.virtualTokens })}</li>
          <li>{t('memory.prefixTuning', { n: DEFAULT_PEFT.virtualTokens })}</li>
          <li>
            {t('memory.activations', { s: formatNumber(sequenceLength), count: batchSize })}
            {recomputation === 'none' && t('memory.none', { headSize: HEAD_SIZE, square: formatNumber(squareTerm) })}
            {recomputation === 'selective' && t('memory.selective', { sbh })}
            {recomputation === 'full' && t('memory.fullRecomputation', { sbh })}
            {t('memory.sameForAll')}
          </li>
          <li>{t('memory.notCounted')}</li>
        </ul>
      </details>
    </section>
  );
}
