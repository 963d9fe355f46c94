// Inside one adapted module: A, B and their product ΔW = B·A·scaling as
// heatmaps, and the singular values of ΔW (at most r non-zero, by construction)
// beside those of the frozen weight W: the shape of the update made visible —
// not evidence that fine-tuning needs only r directions.

import { useEffect, useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { AdapterSummary, LoraInspection } from '../../engine/loraProtocol.ts';
import type { ModelInfo } from '../../engine/protocol.ts';
import { TARGET_MODULES, type TargetModule } from '../../lora/config.ts';
import type { PlaygroundState, SettingKey } from '../../state/schema.ts';
import { type LowRankData, createLowRankPicture } from '../../charts/lora/lowRankPicture.ts';
import { type SingularValueData, countNonZero, createSingularValueChart } from '../../charts/lora/singularValues.ts';
import { ChartView } from '../ChartView.tsx';
import { formatNumber } from '../format.ts';
import { t } from '../../i18n/index.ts';
import { missingModuleText } from './workerText.ts';
import { errorText } from '../errorText.ts';

const createPicture = (el: HTMLElement) => createLowRankPicture(el);
const createSpectra = (el: HTMLElement) => createSingularValueChart(el, { title: t('lora:inspect.spectraTitle'), height: 230 });

export function InspectSection(props: {
  client: EngineClient;
  state: PlaygroundState;
  set: <K extends SettingKey>(key: K, value: PlaygroundState[K]) => void;
  model: ModelInfo;
  adapter: AdapterSummary | null;
}) {
  const { client, state, set, model, adapter } = props;
  const { t, i18n } = useTranslation('lora');
  const lang = i18n.language;
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
      .catch((e: Error) => alive && setError(errorText(e)));
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
          { id: 'delta', label: t('inspect.delta'), values: matrices.deltaSingularValues, color: '#d9822b', highlight: matrices.r, shown: Math.max(16, 4 * matrices.r) },
          { id: 'base', label: t('inspect.base'), values: matrices.baseSingularValues, color: '#1f5fa8' },
        ],
      },
    [matrices, t],
  );

  return (
    <section className="lora-section" aria-labelledby="lora-inspect-title" data-testid="lora-inspect">
      <h3 id="lora-inspect-title">{t('inspect.title')}</h3>
      <div className="controls">
        <label className="field">
          <span className="field-label">{t('inspect.layer')}</span>
          <select value={layer} data-testid="lora-layer" onChange={(e) => set('layer', Number(e.target.value))}>
            {Array.from({ length: model.config.nLayer }, (_, i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('inspect.module')}</span>
          <select value={module} data-testid="lora-module" onChange={(e) => set('loraModule', e.target.value as TargetModule)}>
            {TARGET_MODULES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
      </div>
      {!adapter && <p className="muted">{t('inspect.none')}</p>}
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      {inspection?.kind === 'missing' && <p className="notice">{missingModuleText(inspection.message)}</p>}
      {matrices && picture && spectra && (
        <>
          <p className="small" data-testid="lora-inspect-summary">
            <Trans
              t={t}
              i18nKey="inspect.summary"
              values={{
                name: matrices.name, in: matrices.inFeatures, out: matrices.outFeatures, values: formatNumber(matrices.inFeatures * matrices.outFeatures),
                stored: formatNumber(matrices.r * (matrices.inFeatures + matrices.outFeatures)), nonZero: countNonZero(matrices.deltaSingularValues),
                r: matrices.r, baseNonZero: countNonZero(matrices.baseSingularValues),
              }}
              components={{ code: <code />, b: <strong data-testid="lora-delta-rank" /> }}
            />
          </p>
          <div className="lora-inspect-row">
            <ChartView create={createPicture} recreate={[lang]} data={picture} data-testid="lora-low-rank" className="lora-picture" />
            <ChartView create={createSpectra} recreate={[lang]} data={spectra} data-testid="lora-singular-values" className="chart lora-spectra" />
          </div>
          <p className="muted small">
            {t('inspect.drawnAs')}
          </p>
        </>
      )}
    </section>
  );
}
