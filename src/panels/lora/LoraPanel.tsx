// The LoRA panel: train a low-rank adapter for the embedded model in the
// worker, watch the new text's loss fall and the original corpus's rise, look
// at ΔW = B·A·scaling and its few non-zero singular values, switch, merge,
// export and import adapters, weigh LoRA against full fine-tuning, and watch two
// causes of repetition that live in training (the objective, the data) at work.

import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DefaultNewText, LoraStatus, LoraTextSource } from '../../engine/loraProtocol.ts';
import type { PanelProps } from '../panelProps.ts';
import { Panel } from '../Panel.tsx';
import { AdaptersSection } from './AdaptersSection.tsx';
import { ComparisonSection } from './ComparisonSection.tsx';
import { LoraExplanation } from './Explanation.tsx';
import { GenerationCompare } from './GenerationCompare.tsx';
import { InspectSection } from './InspectSection.tsx';
import { MemoryCalculator } from './MemoryCalculator.tsx';
import { RepetitionLab } from './RepetitionLab.tsx';
import { SettingsSection } from './SettingsSection.tsx';
import { SftSection } from './SftSection.tsx';
import { TextSource } from './TextSource.tsx';
import { TrainSection } from './TrainSection.tsx';
import { VocabSection } from './VocabSection.tsx';
import { loraConfigProblem } from './settings.ts';
import { modelBaseUrl } from '../useEngine.ts';

export function LoraPanel({ client, state, set, model }: PanelProps) {
  const { t } = useTranslation('lora');
  const [status, setStatus] = useState<LoraStatus | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [source, setSource] = useState<LoraTextSource>({ kind: 'default' });
  const [defaultText, setDefaultText] = useState<DefaultNewText | null>(null);
  /** The long job running in the worker, if any: the other buttons wait for it. */
  const [running, setRunning] = useState<'train' | 'compare' | 'lab' | null>(null);

  // Adapters belong to one loaded model in one worker: start over when either changes.
  useEffect(() => {
    setStatus(null);
    setSelectedId(null);
    setRunning(null);
    setDefaultText(null);
    if (!client || !model) return;
    let alive = true;
    client
      .call('loraStatus', {})
      .result.then((s) => alive && setStatus(s))
      .catch(() => alive && setStatus(null));
    // The model's default new text: its folder's new-text.txt, or the explanations.
    client
      .call('loraDefaultText', { modelBaseUrl: modelBaseUrl(model.ref) })
      .result.then((d) => alive && setDefaultText(d))
      .catch(() => alive && setDefaultText(null));
    return () => {
      alive = false;
    };
  }, [client, model]);

  const onTrainRunning = useCallback((on: boolean) => setRunning(on ? 'train' : null), []);
  const onCompareRunning = useCallback((on: boolean) => setRunning(on ? 'compare' : null), []);
  const onLabRunning = useCallback((on: boolean) => setRunning(on ? 'lab' : null), []);
  const onTrained = useCallback((s: LoraStatus, id: number) => {
    setStatus(s);
    setSelectedId(id);
  }, []);

  const selected = status?.adapters.find((a) => a.id === selectedId) ?? null;

  return (
    <Panel id="lora" title={t('panel.title')} explanation={<LoraExplanation />}>
      {!client || !model || !status ? (
        <p className="muted" data-testid="lora-waiting">
          {t('panel.waiting')}
        </p>
      ) : (
        <div className="lora" data-testid="lora-ready">
          <SettingsSection state={state} set={set} model={model} disabled={running !== null} />
          <TextSource value={source} onChange={setSource} disabled={running !== null} defaultText={defaultText} modelRef={model.ref} />
          <TrainSection
            client={client} state={state} source={source} selected={selected} blocked={running === 'compare' || running === 'lab'}
            configProblem={loraConfigProblem(state, model.config)}
            onRunning={onTrainRunning} onDone={onTrained}
          />
          <AdaptersSection
            client={client} state={state} status={status} selected={selected} blocked={running !== null}
            onStatus={setStatus} onSelect={setSelectedId}
          />
          <GenerationCompare client={client} state={state} adapter={selected} blocked={running !== null} />
          <InspectSection client={client} state={state} set={set} model={model} adapter={selected} />
          <ComparisonSection client={client} state={state} set={set} source={source} blocked={running === 'train' || running === 'lab'} onRunning={onCompareRunning} />
          <VocabSection client={client} model={model} state={state} set={set} blocked={running !== null} />
          <SftSection client={client} state={state} set={set} blocked={running !== null} onRunning={onCompareRunning} />
          <RepetitionLab client={client} state={state} source={source} blocked={running === 'train' || running === 'compare'} onRunning={onLabRunning} />
          <MemoryCalculator rank={state.loraR} />
        </div>
      )}
    </Panel>
  );
}
