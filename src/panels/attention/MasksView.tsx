// The masks lesson: the tokens on screen under the causal (GPT), prefix-LM
// (GLM) and bidirectional (BERT) masks side by side, why decoders dominate
// generation, and teacher forcing: one pass over the sequence gives the same
// predictions as stepping through it with the KV cache.

import { useMemo, useRef } from 'react';
import type { EngineClient } from '../../engine/client.ts';
import type { MaskLessonParams, TeacherForcingParams, TeacherForcingResult } from '../../engine/attentionProtocol.ts';
import { MASKS } from '../../state/schema.ts';
import { createMaskComparison, type MaskComparisonData } from '../../charts/attention/maskComparison.ts';
import { type SequenceData, type StepView, maskedHead, visiblePairs } from './frames.ts';
import { useChart } from '../ChartView.tsx';
import { useEngineCall } from '../useEngineCall.ts';
import { formatBytes } from '../format.ts';

type MaskId = (typeof MASKS)[number];

const TITLES: Record<MaskId, string> = {
  causal: 'Causal — GPT, LLaMA',
  prefix: 'Prefix LM — GLM, the first ChatGLM-6B',
  bidirectional: 'Bidirectional — BERT',
};

function suitedFor(mask: MaskId, prefix: number): string {
  switch (mask) {
    case 'causal':
      return 'Each token reads itself and the tokens before it. Training predicts every next token in one pass; generation appends one token at a time and keeps the keys and values already computed (the KV cache). Suited for generation: GPT, LLaMA and most large language models.';
    case 'prefix':
      return `The first ${prefix} token${prefix === 1 ? '' : 's'} — the prompt — read each other in both directions; the tokens after them are generated causally. GLM and the first ChatGLM-6B used this prefix decoder (ChatGLM2's maintainers say its chat model trains causally), as does T5 used as a prefix LM: the input is understood as a whole, the answer written one token at a time.`;
    case 'bidirectional':
      return 'Every token reads every token, later ones included. BERT is trained with this mask to fill in hidden words, which suits understanding tasks: classification, tagging, retrieval. It cannot generate one token at a time: a new token would change every earlier token, so nothing can be cached, and it was never trained to predict the next token.';
  }
}

export function MasksView(props: {
  client: EngineClient | null;
  seq: SequenceData;
  view: StepView;
  layer: number;
  head: number;
  mask: MaskId;
  onMask: (mask: MaskId) => void;
}) {
  const { client, seq, view, layer, head, mask } = props;
  const ids = useMemo(() => view.positions.map((p) => seq.tokens[p].id), [seq.tokens, view.positions]);
  const n = ids.length;
  const prefixLength = Math.max(0, Math.min(n, seq.promptLength - (view.positions[0] ?? 0)));
  const key = `${ids.join(',')}|${prefixLength}`;
  const masksKey = `${key}|${layer}|${head}`;
  const maskParams: MaskLessonParams = { slot: 'active', ids, prefixLength, layer, head };
  const tfParams: TeacherForcingParams = { slot: 'active', ids };
  const masks = useEngineCall(client, 'attentionMasks', maskParams, masksKey);
  const forcing = useEngineCall(client, 'teacherForcing', tfParams, key);

  const data = useMemo<MaskComparisonData | null>(() => {
    if (masks.status !== 'done' || masks.key !== masksKey) return null;
    const { tokens, runs } = masks.result;
    return {
      tokens: tokens.map((t) => t.text),
      selected: mask,
      panels: runs.map((run) => {
        const m = maskedHead(run.probs, n, run.mask);
        const id = run.mask.kind;
        return { id, title: TITLES[id], subtitle: `${visiblePairs(run.mask, n)} of ${n * n} query–key pairs allowed`, values: m.values, masked: m.masked };
      }),
    };
  }, [masks, masksKey, n, mask]);
  const onMask = useRef(props.onMask);
  onMask.current = props.onMask;
  const ref = useChart((el) => createMaskComparison(el, (id) => onMask.current(id as MaskId)), data);

  return (
    <div className="attn-masks-view" data-testid="attention-masks" data-state={masks.status}>
      <p className="muted small">
        The {n} tokens on screen, run once under each mask (layer {layer}, head {head}). This model was trained with the causal mask only, so
        under the other two it reads in a way it never learned: the maps show what each mask allows, not how a model trained with it would
        attend.
        {prefixLength === n && ' At this step every token is prompt, so the prefix-LM mask equals the bidirectional one: step forward to see them differ.'}
        {prefixLength === 0 && ' The prompt has slid out of the window, so the prefix is empty and the prefix-LM mask equals the causal one.'}
      </p>
      {masks.status === 'error' && <p className="alert error">{masks.message}</p>}
      {masks.status === 'running' && <p className="muted">Running the three masks…</p>}
      <div className="chart" ref={ref} />
      <div className="attn-mask-note" data-testid="attention-mask-note">
        <strong>{TITLES[mask]}.</strong> {suitedFor(mask, prefixLength)}
      </div>

      <h3 className="attn-subhead">Why decoder-only models dominate generation</h3>
      <ul className="attn-reasons">
        <li>
          <strong>Generation is autoregressive.</strong> A decoder's training task — predict the next token from the ones before — is
          exactly what writing text asks for.
        </li>
        <li>
          <strong>Every step is a distribution.</strong> Sampling, temperature, top-k and top-p work on it, so the same model decodes greedily
          or with variety without retraining.
        </li>
        <li>
          <strong>Training is parallel, and its arithmetic is inference's.</strong> With teacher forcing, one pass over a training sequence predicts
          every position at once; stepping through the same tokens with a KV cache computes the same numbers, as the table below checks on this
          model. The difference is what the model reads: in training the true previous tokens, in generation its own (exposure bias). Encoder–decoders
          train with teacher forcing too, so this is a convenience of decoders, not something only they have.
        </li>
      </ul>

      <h3 className="attn-subhead">Teacher forcing: one pass gives what stepping gives</h3>
      {forcing.status === 'error' && <p className="alert error">{forcing.message}</p>}
      {forcing.status === 'running' && <p className="muted">Running one pass and {n} cached steps…</p>}
      {forcing.status === 'done' && forcing.key === key && <TeacherForcing result={forcing.result} />}
    </div>
  );
}

function TeacherForcing({ result }: { result: TeacherForcingResult }) {
  const r = result;
  const n = r.rows.length;
  const agree = r.rows.filter((row) => row.fullTop.id === row.stepTop.id).length;
  return (
    <div data-testid="teacher-forcing" data-max-diff={r.maxAbsDiff} data-agree={agree} data-rows={n}>
      <p className="small" data-testid="teacher-forcing-summary">
        One causal pass over all {n} tokens ({r.fullPassMs.toFixed(1)} ms) and {n} single-token steps with the KV cache (
        {r.steppedMs.toFixed(1)} ms){' '}
        {r.maxAbsDiff < 1e-3 ? (
          <>
            give the same logits at every position: the largest difference is <strong>{r.maxAbsDiff.toExponential(1)}</strong>, float rounding.
          </>
        ) : (
          <>
            differ by up to <strong>{r.maxAbsDiff.toExponential(1)}</strong> — more than float rounding, which should not happen.
          </>
        )}{' '}
        Top guesses agree at {agree} of {n} positions.
        {r.loss !== null && ` The pass's loss on this sequence is ${r.loss.toFixed(2)} nats per token — the number training would minimise.`} The
        cache held {formatBytes(r.kvCacheBytes)} at the end ({formatBytes(r.kvCacheBytes / n)} per token).
      </p>
      <div className="attn-table-scroll" tabIndex={0}>
        <table className="attn-table">
          <thead>
            <tr>
              <th>pos</th>
              <th>token</th>
              <th>next token</th>
              <th>one pass: top guess</th>
              <th>stepping: top guess</th>
              <th>P(next) in one pass</th>
              <th>max |Δ logit|</th>
            </tr>
          </thead>
          <tbody>
            {r.rows.map((row, i) => (
              <tr key={i} className={row.nextId !== null && row.fullTop.id === row.nextId ? 'hit' : undefined}>
                <td>{i}</td>
                <td className="tok-cell">{r.tokens[i].text}</td>
                <td className="tok-cell">{row.nextId === null ? '—' : r.tokens[i + 1].text}</td>
                <td className="tok-cell">
                  {row.fullTop.text} <span className="muted">{(row.fullTop.prob * 100).toFixed(0)}%</span>
                </td>
                <td className="tok-cell">
                  {row.stepTop.text} <span className="muted">{(row.stepTop.prob * 100).toFixed(0)}%</span>
                </td>
                <td>{row.nextProb === null ? '—' : `${(row.nextProb * 100).toFixed(1)}%`}</td>
                <td>{row.maxAbsDiff.toExponential(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
