// The prompt every panel shares, and a plain greedy "Generate" so a newcomer
// sees the model write. Tokens stream in one at a time; Stop ends the run.

import { useEffect, useState } from 'react';
import type { EngineClient } from '../engine/client.ts';
import type { GenerateResult, ModelInfo, ModelSlot, TokenPiece } from '../engine/protocol.ts';
import type { Notice } from '../sampling/notices.ts';
import type { PlaygroundState, SettingKey } from '../state/schema.ts';
import { NumberInput } from './NumberInput.tsx';
import { Panel } from './Panel.tsx';
import { WithNewlineMarks } from './TokenText.tsx';
import { type JobRun, useEngineJob } from './useEngineJob.ts';

interface Run {
  slot: ModelSlot;
  prompt: string;
  tokens: TokenPiece[];
  notices: Notice[];
  result: GenerateResult | null;
}

export function PromptBox(props: {
  client: EngineClient | null;
  embedded: ModelInfo | null;
  custom: ModelInfo | null;
  state: PlaygroundState;
  set: <K extends SettingKey>(key: K, value: PlaygroundState[K]) => void;
}) {
  const { client, embedded, custom, state, set } = props;
  const [slot, setSlot] = useState<ModelSlot>('active');
  const generation = useEngineJob<Run>(client);
  const { run, running } = generation;

  // A model trained here appears as a choice; pick it the moment it exists.
  useEffect(() => setSlot(custom ? 'training' : 'active'), [custom?.name]);
  const model = slot === 'training' ? custom : embedded;

  const start = () => {
    if (!client || !model || running) return;
    const prompt = state.prompt;
    generation.start('generate', { slot, prompt, maxNewTokens: state.maxNewTokens }, { slot, prompt, tokens: [], notices: [], result: null }, {
      event: (r, event) => (event.type === 'prompt' ? { ...r, notices: event.notices } : { ...r, tokens: [...r.tokens, event.token] }),
      result: (r, result) => ({ ...r, result, notices: result.notices }),
    });
  };

  return (
    <Panel
      id="prompt"
      title="Prompt"
      explanation={
        <>
          <p>
            A language model reads text as <em>tokens</em> — pieces of words — and, at every step, scores every token in its
            vocabulary as the possible next one. <strong>Generate</strong> here is <em>greedy</em>: it always takes the
            highest-scoring token, appends it, and asks again.
          </p>
          <p>
            The coloured boxes show where one generated token ends and the next begins; <span className="newline-mark">↵</span> is a
            line break. Greedy decoding tends to fall into loops, repeating a phrase forever: the Sampling tab measures the loops
            and shows how temperature, top-k, top-p and the penalties break them.
          </p>
        </>
      }
    >
      <label className="field wide">
        <span className="field-label">Text the model continues</span>
        <textarea
          className="prompt-input"
          data-testid="prompt"
          rows={3}
          value={state.prompt}
          onChange={(e) => set('prompt', e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) start();
          }}
        />
      </label>
      <div className="controls">
        <NumberInput
          label="New tokens"
          value={state.maxNewTokens}
          min={1}
          max={1000}
          testId="max-new-tokens"
          onCommit={(v) => set('maxNewTokens', v)}
        />
        {custom && (
          <fieldset className="field segmented" data-testid="model-choice">
            <legend className="field-label">Model</legend>
            <label>
              <input type="radio" name="slot" checked={slot === 'active'} onChange={() => setSlot('active')} /> {embedded?.name ?? 'the chosen model'}
            </label>
            <label>
              <input type="radio" name="slot" checked={slot === 'training'} onChange={() => setSlot('training')} /> {custom.name}
            </label>
          </fieldset>
        )}
        <div className="buttons">
          <button type="button" className="primary" data-testid="generate" disabled={!client || !model || running} onClick={start}>
            Generate
          </button>
          <button type="button" data-testid="stop-generate" disabled={!running} onClick={generation.stop}>
            Stop
          </button>
        </div>
      </div>
      {!model && <p className="muted">Generate becomes available once a model has loaded.</p>}
      {run && <Output run={run} />}
    </Panel>
  );
}

function Output({ run }: { run: JobRun<Run> }) {
  const { result } = run;
  return (
    <div className="generation" data-testid="generation" data-state={run.status} aria-live="polite">
      <div className="continuation" tabIndex={0}>
        <span className="prompt-text">{run.prompt}</span>
        {run.tokens.map((t, i) => (
          <span key={i} className={`tok tok-${i % 2}`} title={`token ${t.id}`} data-token-id={t.id}>
            <WithNewlineMarks text={t.text} />
          </span>
        ))}
        {run.status === 'running' && <span className="caret" aria-hidden="true" />}
      </div>
      <p className="gen-meta" data-testid="generation-meta">
        {run.status === 'running' && `${run.tokens.length} tokens…`}
        {result && `${result.tokenCount} tokens, greedy, ${result.tokensPerSecond.toFixed(1)} tokens/s${run.status === 'stopped' ? ' — stopped' : ''}.`}
      </p>
      {run.notices.map((n) => (
        <p key={n.message} className="notice">
          {n.message}
        </p>
      ))}
      {run.error && (
        <p className="alert error" role="alert">
          {run.error}
        </p>
      )}
    </div>
  );
}
