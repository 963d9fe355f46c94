// The same prompt, the same seed, the same sampling settings: once with the
// adapter on and once with it off, side by side. Any difference is the adapter's.

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngineClient } from '../../engine/client.ts';
import type { AdapterSummary, GenerationPair } from '../../engine/loraProtocol.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import { WithNewlineMarks } from '../TokenText.tsx';
import { formatNumber } from '../format.ts';
import { errorText } from '../errorText.ts';

export function GenerationCompare(props: { client: EngineClient; state: PlaygroundState; adapter: AdapterSummary | null; blocked: boolean }) {
  const { client, state, adapter, blocked } = props;
  const { t } = useTranslation('lora');
  const how =
    state.temperature === 0
      ? t('generate.greedily')
      : t('generate.temperature', { value: state.temperature }) +
        (state.topK ? t('generate.topK', { value: state.topK }) : '') +
        (state.topP < 1 ? t('generate.topP', { value: state.topP }) : '');
  const [pair, setPair] = useState<GenerationPair | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => setPair(null), [adapter?.id]);

  const run = async () => {
    if (!adapter) return;
    setPending(true);
    setError(null);
    try {
      setPair(
        await client.call('loraGenerate', {
          id: adapter.id, prompt: state.prompt, maxNewTokens: Math.min(state.maxNewTokens, 120), seed: state.seed,
          temperature: state.temperature, topK: state.topK, topP: state.topP,
        }).result,
      );
    } catch (e) {
      setError(errorText(e));
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="lora-section" aria-labelledby="lora-generate-title">
      <h3 id="lora-generate-title">{t('generate.title')}</h3>
      <div className="controls">
        <p className="muted small grow">
          {t('generate.intro', { seed: state.seed, how })}
        </p>
        <button type="button" data-testid="lora-compare-generations" disabled={!adapter || adapter.merged || pending || blocked} onClick={run}>
          {pending ? t('generate.generating') : t('generate.generateBoth')}
        </button>
      </div>
      {adapter?.merged && <p className="muted small">{t('generate.unmergeToCompare')}</p>}
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      {pair && (
        <div className="lora-pair" data-testid="lora-generations" data-first-difference={pair.firstDifference ?? ''}>
          {(['on', 'off'] as const).map((side) => (
            <div key={side}>
              <span className="field-label">{side === 'on' ? t('generate.sideOn') : t('generate.sideOff')}</span>
              <pre className="continuation" tabIndex={0} data-testid={`lora-gen-${side}`}>
                <span className="prompt-text"><WithNewlineMarks text={state.prompt} /></span>
                <WithNewlineMarks text={side === 'on' ? pair.on : pair.off} />
              </pre>
            </div>
          ))}
          <p className="muted small">
            {pair.firstDifference === null
              ? t('generate.identical')
              : t('generate.partAt', { token: formatNumber(pair.firstDifference + 1) })}
          </p>
        </div>
      )}
    </section>
  );
}
