// The LoRA panel's repetition experiments re-run, as the worker runs them, on
// the playground's own Shakespeare model and its default new text (the
// explanations), with few steps and a fixed seed. Asserted: what holds at this
// scale every time — unlikelihood training lowers the probability the model
// puts on earlier context tokens (what the objective pushes down) at almost
// the same validation loss; at α = 10 it also makes greedy text repeat less
// (at α = 1 the term is too weak on a model this small: greedy seq-rep-4 and
// P(repeat) then move either way with the seed, so they are printed, not
// asserted); the cure run of the data-bias experiment trains on the original
// text again. Its greedy numbers are printed too: at this scale biased vs
// deduplicated data changes them in no consistent direction. Nothing leaks and
// the held adapters are untouched. What the biased data does teach, every
// seed tried (1, 2, 3, 1337): that a duplicated sentence is followed by
// itself — P(passage again) is higher after the biased text than after the
// deduplicated one, and both above the base model.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParamsOf, ResultOf } from '../../src/engine/protocol.ts';
import { initBackend, installModel, models } from '../../src/engine/runtime.ts';
import { loraHandlers } from '../../src/engine/handlers/lora.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { tokenizerFromJSON } from '../../src/tokenizer/index.ts';
import { DEFAULT_LORA } from '../../src/lora/config.ts';
import { deduplicate } from '../../src/lora/dataBias.ts';
import { labPrompts } from '../../src/lora/repetitionLab.ts';
import { splitCorpus } from '../../src/data/corpus.ts';
import { explanationsAsText } from '../../src/lessons/explanations.ts';
import { useBackend } from '../helpers/backend.ts';

const MODEL = 'public/models/shakespeare/';

/** The model's folder over http, as the page reads original-sample.txt from it. */
function serveModelFolder(): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    const file = path.join(MODEL, path.basename(req.url ?? ''));
    try {
      res.end(readFileSync(file));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() })));
}

async function lab(params: ParamsOf<'loraRepetitionLab'>): Promise<ResultOf<'loraRepetitionLab'>> {
  const handler = loraHandlers.loraRepetitionLab as unknown as (p: typeof params, j: object) => Promise<ResultOf<'loraRepetitionLab'>>;
  return handler(params, { emit: () => {}, stopped: false });
}

const show = (r: ResultOf<'loraRepetitionLab'>) =>
  r.rows
    .map((x) => `${x.arm}: seq-rep-4 ${x.seqRep4.toFixed(3)}, P(repeat) ${x.pRepeat.toFixed(3)}, context mass ${x.contextMass.toFixed(4)}, val loss ${x.newTextLoss.toFixed(3)}, P(passage again) ${x.passageRepeat?.toFixed(3) ?? '—'}`)
    .join('\n');

describe('the fixed prompts', () => {
  const encode = (s: string) => Array.from(s, (c) => c.codePointAt(0)!);
  const decode = (ids: number[]) => String.fromCodePoint(...ids);

  it('are spread over the held-out text, each starting at a line or a word, never inside one', () => {
    const text = 'ording to plan.\nThe second line is here, and long enough.\nA third line follows it now.\nLast words of the text here.';
    const prompts = labPrompts(text, encode, 3, 8).map(decode);
    // The split cut "According" to "ording": the first prompt starts at the next line instead.
    expect(prompts).toEqual(['The seco', 'A third ', 'Last wor']);
    const chinese = labPrompts('明月光，疑是地上霜。\n举头望明月，\n低头思故乡。\n', encode, 2, 4).map(decode);
    expect(chinese).toEqual(['举头望明', '低头思故']);
  });
});

describe('the repetition experiments on the embedded Shakespeare model', () => {
  let folder: Awaited<ReturnType<typeof serveModelFolder>>;
  let baseline = 0;

  beforeAll(async () => {
    // The engine's own start points the wasm backend at Vite's URLs; the test's helper at node_modules. Start wasm
    // from there first; the engine then starts (on cpu, which needs no files), and wasm, already loaded, takes over.
    await useBackend('wasm');
    await initBackend('cpu');
    await useBackend('wasm');
    folder = await serveModelFolder();
    const model = await loadGPT({ config: MODEL + 'config.json', weights: MODEL + 'model.safetensors' });
    const tokenizer = tokenizerFromJSON(JSON.parse(readFileSync(MODEL + 'tokenizer.json', 'utf8')));
    installModel('active', {
      model, tokenizer,
      info: { slot: 'active', name: 'shakespeare', ref: 'shakespeare', from: 'network', cacheProblem: null, weightBytes: 0, config: model.config, parameterCount: model.parameterCount, tokenizerKind: tokenizer.kind, training: null },
    });
    baseline = tf.memory().numTensors;
  });

  afterAll(() => {
    folder?.close();
    models.get('active')?.model.dispose();
    models.clear();
  });

  const params = (experiment: 'objective' | 'data-bias'): ParamsOf<'loraRepetitionLab'> => ({
    experiment, config: { ...DEFAULT_LORA }, source: { kind: 'default' }, steps: 30, learningRate: 0.005, ulAlpha: 1, seed: 1337, modelBaseUrl: folder.url,
  });

  let objective: ResultOf<'loraRepetitionLab'>;

  it('likelihood vs unlikelihood: less probability on earlier context tokens, at almost the same validation loss', async () => {
    objective = await lab(params('objective'));
    console.log(`likelihood vs unlikelihood (30 steps, seed 1337):\n${show(objective)}`);
    expect(objective.rows.map((r) => r.arm)).toEqual(['base', 'mle', 'unlikelihood']);
    expect(objective.prompts).toHaveLength(4);
    const [base, mle, ul] = objective.rows;
    for (const r of objective.rows) {
      for (const v of [r.seqRep4, r.pRepeat, r.contextMass, r.newTextLoss, r.originalLoss]) expect(Number.isFinite(v)).toBe(true);
      expect(r.continuations).toHaveLength(4);
    }
    expect([mle.steps, ul.steps]).toEqual([30, 30]);
    // Both adapters learned the new text.
    expect(mle.newTextLoss).toBeLessThan(base.newTextLoss - 0.2);
    // What the objective is made to do, it does: the mass on earlier context tokens falls below MLE's …
    expect(ul.contextMass).toBeLessThan(mle.contextMass);
    // … while perplexity stays close (the paper's claim): within 0.05 nats per token.
    expect(Math.abs(ul.newTextLoss - mle.newTextLoss)).toBeLessThan(0.05);
    expect(tf.memory().numTensors).toBe(baseline);
  }, 300_000);

  it('with a heavier weight (α = 10) unlikelihood training also makes greedy text repeat less, at a cost in validation loss', async () => {
    const heavy = await lab({ ...params('objective'), ulAlpha: 10 });
    console.log(`likelihood vs unlikelihood α = 10 (30 steps, seed 1337):\n${show(heavy)}`);
    const [, mle, ul] = heavy.rows;
    expect(mle).toEqual(objective.rows[1]); // the same likelihood run, number for number
    expect(ul.contextMass).toBeLessThan(mle.contextMass);
    expect(ul.seqRep4).toBeLessThan(mle.seqRep4);
    expect(ul.pRepeat).toBeLessThan(mle.pRepeat);
    expect(ul.newTextLoss).toBeGreaterThan(mle.newTextLoss);
    expect(ul.newTextLoss).toBeLessThan(mle.newTextLoss + 0.5);
    expect(tf.memory().numTensors).toBe(baseline);
  }, 300_000);

  it("trains the panel's own adapters with the link's objective: the first step's loss is likelihood's plus α × the unlikelihood term", async () => {
    const job = { emit: () => {}, stopped: false } as never;
    const first = async (objective: ParamsOf<'loraTrain'>['objective']) => {
      const steps: number[] = [];
      const r = await loraHandlers.loraTrain(
        { adapterId: null, config: { ...DEFAULT_LORA }, source: { kind: 'default' }, steps: 2, learningRate: 0.005, mixOriginal: 0, qlora: false, objective, seed: 1337, modelBaseUrl: folder.url },
        { emit: (e: { type: string; loss?: number }) => e.type === 'step' && steps.push(e.loss!), stopped: false } as never,
      );
      await loraHandlers.loraDelete({ id: r.adapter.id }, job);
      return steps[0];
    };
    const mle = await first(undefined);
    const ul = await first({ kind: 'unlikelihood', alpha: 1 });
    // The same batch and the same start (B = 0: the base model), so the difference is the unlikelihood term alone.
    expect(ul).toBeGreaterThan(mle);
    expect(ul - mle).toBeLessThan(1);
    expect(tf.memory().numTensors).toBe(baseline);
  }, 120_000);

  it('biased vs deduplicated data: the cure run trains on the original text again; the base row is the same', async () => {
    const bias = await lab(params('data-bias'));
    console.log(`biased vs deduplicated (30 steps, seed 1337):\n${show(bias)}\n${JSON.stringify(bias.bias)}`);
    expect(bias.rows.map((r) => r.arm)).toEqual(['base', 'biased', 'deduplicated']);
    const b = bias.bias!;
    expect(b.removed).toBeGreaterThanOrEqual(b.passages * b.copies);
    expect(b.biasedTokens).toBeGreaterThan(b.deduplicatedTokens);
    expect(b.injectedShare).toBeGreaterThan(0.1);
    expect({ ...bias.rows[0], passageRepeat: null }).toEqual(objective.rows[0]);
    // Repetition in, repetition out: copies back to back teach the model that the passage follows itself.
    const [base, biased, dedup] = bias.rows.map((r) => r.passageRepeat!);
    expect(objective.rows.every((r) => r.passageRepeat === null)).toBe(true);
    expect(biased).toBeGreaterThan(dedup);
    expect(biased).toBeGreaterThan(base);
    // When the text has no repeated sentence of its own, deduplicating the biased text gives it back exactly:
    // the cure run is the plain likelihood run, number for number (same data, steps and seed).
    if (deduplicate(splitCorpus(explanationsAsText(), 0.9).train, 'sentence').removed === 0) {
      expect({ ...bias.rows[2], arm: 'mle', passageRepeat: null }).toEqual(objective.rows[1]);
    }
    expect(models.get('active')!.model).toBeDefined();
    expect(tf.memory().numTensors).toBe(baseline);
    const status = await loraHandlers.loraStatus({}, { emit: () => {}, stopped: false } as never);
    expect(status.adapters).toEqual([]);
    expect(status.busy).toBe(false);
  }, 300_000);
});
