// Inside one adapted module: A, B and their product ΔW = B·A·scaling as
// heatmaps, and the singular values of ΔW (at most r non-zero, by construction)
// beside those of the frozen weight W: the shape of the update made visible —
// not evidence that fine-tuning needs only r directions.

import { useEffect, useMemo, useState } from 'react';
import type { EngineClient } from '../../engine/client.ts';
import type { AdapterSummary, LoraInspection } from '../../engine/loraProtocol.ts';
import type { ModelInfo } from '../../engine/protocol.ts';
import { TARGET_MODULES, type TargetModule } from '../../lora/config.ts';
import type { PlaygroundState, SettingKey } from '../../state/schema.ts';
import { type LowRankData, createLowRankPicture } from '../../charts/lora/lowRankPicture.ts';
import { type SingularValueData, countNonZero, createSingularValueChart } from '../../charts/lora/singularValues.ts';
import { ChartView } from '../ChartView.tsx';

const createPicture = (el: HTMLElement) => createLowRankPicture(el);
const createSpectra = (el: HTMLElement) => createSingularValueChart(el, { title: 'Singular values of ΔW and of W', height: 230 });

export function InspectSection(props: {
  client: EngineClient;
  state: PlaygroundState;
  set: <K extends SettingKey>(key: K, value: PlaygroundState[K]) => void;
  model: ModelInfo;
  adapter: AdapterSummary | null;
}) {
  const { client, state, set, model, adapter } = props;
  const layer = Math.min(state.layer, model.config.nLayer - 1);
  const module = state.loraModule as TargetModule;
  const [inspection, setInspection] = useState<LoraInspection | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Re-read whenever the adapter changes (a new id, more steps, merged) or another matrix is chosen.
  const version = adapter ? `${adapter.id}/${adapter.steps}/${adapter.merged}/${adapter.history.length}` : null;
  useEffect(() => {
    if (!adapter) {
      setInspection(null);
      return;
    }
    let alive = true;
    setError(null);
    client
      .call('loraInspect', { id: adapter.id, layer, module })
      .result.then((r) => alive && setInspection(r))
      .catch((e: Error) => alive && setError(e.message));
    return () => {
      alive = false;
    };
  }, [client, version, layer, module]);

  const matrices = inspection?.kind === 'matrices' ? inspection : null;
  const picture: LowRankData | null = useMemo(() => matrices && { ...matrices }, [matrices]);
  const spectra: SingularValueData | null = useMemo(
    () =>
      matrices && {
        spectra: [
          { id: 'delta', label: 'ΔW = B·A·scaling', values: matrices.deltaSingularValues, color: '#d9822b', highlight: matrices.r, shown: Math.max(16, 4 * matrices.r) },
          { id: 'base', label: 'W, the frozen weight', values: matrices.baseSingularValues, color: '#1f5fa8' },
        ],
      },
    [matrices],
  );

  return (
    <section className="lora-section" aria-labelledby="lora-inspect-title" data-testid="lora-inspect">
      <h3 id="lora-inspect-title">Inside the update</h3>
      <div className="controls">
        <label className="field">
          <span className="field-label">Layer</span>
          <select value={layer} data-testid="lora-layer" onChange={(e) => set('layer', Number(e.target.value))}>
            {Array.from({ length: model.config.nLayer }, (_, i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Module</span>
          <select value={module} data-testid="lora-module" onChange={(e) => set('loraModule', e.target.value as TargetModule)}>
            {TARGET_MODULES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
      </div>
      {!adapter && <p className="muted">Train, import or select an adapter to look inside it.</p>}
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      {inspection?.kind === 'missing' && <p className="notice">{inspection.message}</p>}
      {matrices && picture && spectra && (
        <>
          <p className="small" data-testid="lora-inspect-summary">
            <code>{matrices.name}</code>: W is {matrices.inFeatures} × {matrices.outFeatures} ({(matrices.inFeatures * matrices.outFeatures).toLocaleString('en')} values);
            the adapter stores r·(in + out) = {(matrices.r * (matrices.inFeatures + matrices.outFeatures)).toLocaleString('en')}. ΔW has{' '}
            <strong data-testid="lora-delta-rank">{countNonZero(matrices.deltaSingularValues)}</strong> non-zero singular values (r = {matrices.r}); W has{' '}
            {countNonZero(matrices.baseSingularValues)}. At most r by construction: B·A passes through r dimensions whatever the training, so the count
            shows the adapter&apos;s shape, not how many directions the new text needed. Comparing the loss at several ranks tests that (notebook 03).
          </p>
          <div className="lora-inspect-row">
            <ChartView create={createPicture} data={picture} data-testid="lora-low-rank" className="lora-picture" />
            <ChartView create={createSpectra} data={spectra} data-testid="lora-singular-values" className="chart lora-spectra" />
          </div>
          <p className="muted small">
            Drawn as out × in, as PEFT writes ΔW = B·A (GPT-2 stores W transposed, in × out). Red is positive, blue negative; each matrix has its own
            scale. A fresh adapter's B is all zero, so ΔW is zero until training moves B.
          </p>
        </>
      )}
    </section>
  );
}
