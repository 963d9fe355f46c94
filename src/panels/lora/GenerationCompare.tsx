// The same prompt, the same seed, the same sampling settings: once with the
// adapter on and once with it off, side by side. Any difference is the adapter's.

import { useEffect, useState } from 'react';
import type { EngineClient } from '../../engine/client.ts';
import type { AdapterSummary, GenerationPair } from '../../engine/loraProtocol.ts';
import type { PlaygroundState } from '../../state/schema.ts';
import { WithNewlineMarks } from '../TokenText.tsx';

export function GenerationCompare(props: { client: EngineClient; state: PlaygroundState; adapter: AdapterSummary | null; blocked: boolean }) {
  const { client, state, adapter, blocked } = props;
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
      setError((e as Error).message);
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="lora-section" aria-labelledby="lora-generate-title">
      <h3 id="lora-generate-title">Adapter on and off, same seed</h3>
      <div className="controls">
        <p className="muted small grow">
          Continues the prompt from the box above with seed {state.seed},{' '}
          {state.temperature === 0 ? 'greedily' : `temperature ${state.temperature}${state.topK ? `, top-k ${state.topK}` : ''}${state.topP < 1 ? `, top-p ${state.topP}` : ''}`}
          : the same random draws both times, so every difference comes from the adapter.
        </p>
        <button type="button" data-testid="lora-compare-generations" disabled={!adapter || adapter.merged || pending || blocked} onClick={run}>
          {pending ? 'Generating…' : 'Generate both'}
        </button>
      </div>
      {adapter?.merged && <p className="muted small">Unmerge the adapter to compare it on and off.</p>}
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      {pair && (
        <div className="lora-pair" data-testid="lora-generations" data-first-difference={pair.firstDifference ?? ''}>
          {(['on', 'off'] as const).map((side) => (
            <div key={side}>
              <span className="field-label">Adapter {side}</span>
              <pre className="continuation" tabIndex={0} data-testid={`lora-gen-${side}`}>
                <span className="prompt-text"><WithNewlineMarks text={state.prompt} /></span>
                <WithNewlineMarks text={side === 'on' ? pair.on : pair.off} />
              </pre>
            </div>
          ))}
          <p className="muted small">
            {pair.firstDifference === null
              ? 'Identical: at this prompt the adapter does not change any choice.'
              : `They part at generated token ${pair.firstDifference + 1}.`}
          </p>
        </div>
      )}
    </section>
  );
}
