// The prompt every panel shares, and a plain greedy "Generate" so a newcomer
// sees the model write. Tokens stream in one at a time; Stop ends the run.

import { useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { EngineClient } from '../engine/client.ts';
import type { CountTokensResult, GenerateResult, MethodName, ModelInfo, ModelSlot, TokenPiece } from '../engine/protocol.ts';
import type { Notice } from '../sampling/notices.ts';
import type { PlaygroundState, SettingKey } from '../state/schema.ts';
import { NumberInput } from './NumberInput.tsx';
import { noticeText } from './noticeText.ts';
import { Panel } from './Panel.tsx';
import { WithNewlineMarks } from './TokenText.tsx';
import { formatFixed, formatNumber } from './format.ts';
import { type JobRun, useEngineJob } from './useEngineJob.ts';
import { useEngineCall } from './useEngineCall.ts';

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
  const { t } = useTranslation();
  const [slot, setSlot] = useState<ModelSlot>('active');
  const generation = useEngineJob<Run>(client);
  const { run, running } = generation;

  // A model trained here appears as a choice; pick it the moment it exists.
  useEffect(() => setSlot(custom ? 'training' : 'active'), [custom?.name]);
  const model = slot === 'training' ? custom : embedded;

  // The prompt's cost in tokens, counted by the engine a moment after typing stops.
  const [counted, setCounted] = useState(state.prompt);
  useEffect(() => {
    const timer = setTimeout(() => setCounted(state.prompt), 250);
    return () => clearTimeout(timer);
  }, [state.prompt]);
  // The window left for the text changes when a prompt-learning adapter is switched on or off: count again then.
  const adapterChanges = useAdapterChanges(client);
  const count = useEngineCall(
    client,
    'countTokens',
    model ? { slot, text: counted } : null,
    `${slot}\u0000${model?.name ?? ''}\u0000${model?.ref ?? ''}\u0000${adapterChanges}\u0000${counted}`,
  );
  // The last count stays on screen while the next one runs, so the line does not flicker as one types.
  const [shown, setShown] = useState<CountTokensResult | null>(null);
  useEffect(() => {
    if (count.status === 'done') setShown(count.result);
    else if (count.status === 'error') setShown(null);
  }, [count]);

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
      title={t('prompt.title')}
      explanation={
        <>
          <p>
            <Trans t={t} i18nKey="prompt.explanation1" components={{ b: <strong />, em: <em /> }} />
          </p>
          <p>
            <Trans t={t} i18nKey="prompt.explanation2" components={{ nl: <span className="newline-mark" /> }} />
          </p>
        </>
      }
    >
      <label className="field wide">
        <span className="field-label">{t('prompt.text')}</span>
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
      {model && count.status !== 'idle' && count.status !== 'error' && (
        <p className="gen-meta" data-testid="prompt-token-count" data-state={count.status} style={{ margin: '4px 0 10px' }}>
          {shown ? <TokenCount result={shown} /> : t('prompt.tokenCount.counting')}
        </p>
      )}
      <div className="controls">
        <NumberInput
          label={t('prompt.newTokens')}
          value={state.maxNewTokens}
          min={1}
          max={1000}
          testId="max-new-tokens"
          onCommit={(v) => set('maxNewTokens', v)}
        />
        {custom && (
          <fieldset className="field segmented" data-testid="model-choice">
            <legend className="field-label">{t('prompt.model')}</legend>
            <label>
              <input type="radio" name="slot" checked={slot === 'active'} onChange={() => setSlot('active')} /> {embedded?.name ?? t('prompt.chosenModel')}
            </label>
            <label>
              <input type="radio" name="slot" checked={slot === 'training'} onChange={() => setSlot('training')} /> {custom.name}
            </label>
          </fieldset>
        )}
        <div className="buttons">
          <button type="button" className="primary" data-testid="generate" disabled={!client || !model || running} onClick={start}>
            {t('prompt.generate')}
          </button>
          <button type="button" data-testid="stop-generate" disabled={!running} onClick={generation.stop}>
            {t('actions.stop')}
          </button>
        </div>
      </div>
      {!model && <p className="muted">{t('prompt.unavailable')}</p>}
      {run && <Output run={run} />}
    </Panel>
  );
}

/** The adapter calls that only read: any other `lora*` call may switch an adapter on or off, or replace it. */
const READS_ADAPTERS: ReadonlySet<MethodName> = new Set(['loraStatus', 'loraExport', 'loraInspect', 'loraDefaultText', 'loraGenerate']);

/**
 * A counter that moves each time an adapter call ends — from the LoRA panel,
 * the saved adapters, a lesson — so a count keyed on it is asked again: a
 * prompt-learning adapter's virtual tokens take positions of the window.
 */
function useAdapterChanges(client: EngineClient | null): number {
  const [changes, setChanges] = useState(0);
  useEffect(
    () => client?.onCallEnd((method) => {
      if (method.startsWith('lora') && !READS_ADAPTERS.has(method)) setChanges((n) => n + 1);
    }),
    [client],
  );
  return changes;
}

/** "12 tokens of 128 in the window" (of what a prompt adapter's virtual tokens leave), and for text with 汉字 what each one costs. */
function TokenCount({ result }: { result: CountTokensResult }) {
  const { t } = useTranslation();
  const windowSize = formatNumber(result.contextWindow);
  const { hanCharacters, hanTokens } = result;
  const virtualTokens = result.blockSize - result.contextWindow;
  return (
    <>
      <span data-tokens={result.tokens} data-window={result.contextWindow} data-block={result.blockSize}>
        {t('prompt.tokenCount.window', { count: result.tokens, n: formatNumber(result.tokens), window: windowSize })}
        {virtualTokens > 0 && (
          <span data-testid="virtual-tokens" data-virtual={virtualTokens}>
            {t('prompt.tokenCount.virtual', { count: virtualTokens, n: formatNumber(virtualTokens), block: formatNumber(result.blockSize) })}
          </span>
        )}
        {result.tokens > result.contextWindow && t('prompt.tokenCount.overWindow', { window: windowSize })}
        {t('load.end')}
      </span>
      {hanCharacters > 0 && (
        <>
          {t('prompt.tokenCount.between')}
          <span
            data-testid="tokens-per-han"
            data-han={hanCharacters}
            data-han-tokens={hanTokens}
            data-per-han={(hanTokens / hanCharacters).toFixed(2)}
            title={t('prompt.tokenCount.perHanTitle')}
          >
            {t('prompt.tokenCount.perHan', {
              count: hanTokens,
              perHan: formatFixed(hanTokens / hanCharacters, 1),
              hanTokens: formatNumber(hanTokens),
              han: formatNumber(hanCharacters),
            })}
            {t('load.end')}
          </span>
        </>
      )}
      {result.unknown.occurrences > 0 && (
        <span className="unknown-characters" data-testid="unknown-characters" data-count={result.unknown.occurrences} title={t('prompt.tokenCount.unknownTitle')}>
          {t('prompt.tokenCount.between')}
          {t('prompt.tokenCount.unknown', {
            count: result.unknown.occurrences,
            n: formatNumber(result.unknown.occurrences),
            characters: result.unknown.characters.slice(0, 8).join(t('prompt.tokenCount.listSeparator')) + (result.unknown.characters.length > 8 ? '…' : ''),
          })}
          {t('load.end')}
        </span>
      )}
    </>
  );
}

function Output({ run }: { run: JobRun<Run> }) {
  const { result } = run;
  const { t } = useTranslation();
  return (
    <div className="generation" data-testid="generation" data-state={run.status} aria-live="polite">
      <div className="continuation" tabIndex={0}>
        <span className="prompt-text">{run.prompt}</span>
        {run.tokens.map((tok, i) => (
          <span key={i} className={`tok tok-${i % 2}`} title={t('prompt.tokenTitle', { id: tok.id })} data-token-id={tok.id}>
            <WithNewlineMarks text={tok.text} />
          </span>
        ))}
        {run.status === 'running' && <span className="caret" aria-hidden="true" />}
      </div>
      <p className="gen-meta" data-testid="generation-meta">
        {run.status === 'running' && t('prompt.runningCount', { count: run.tokens.length })}
        {result &&
          `${t('prompt.done', { n: formatNumber(result.tokenCount), speed: formatFixed(result.tokensPerSecond, 1) })}${run.status === 'stopped' ? t('prompt.stopped') : ''}${t('load.end')}`}
      </p>
      {run.notices.map((n) => (
        <p key={n.message} className="notice" data-code={n.code}>
          {noticeText(n)}
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
