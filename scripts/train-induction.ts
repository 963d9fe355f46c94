/**
 * Trains the heads lab's positive control: a tiny 2-layer GPT that forms
 * induction heads (Olsson et al. 2022), written to --out (default
 * .runs/induction-model/, outside the page's models; the shipped copy is made
 * with --out public/models/induction).
 *
 *   npx tsx scripts/train-induction.ts [--out DIR] [--seed 1337] [--steps 4000] [--lr 3e-3] [--batch 16] [--heads 4]
 *     [--init-std 0.08] [--block 32] [--min-period 4] [--max-period 16] [--echo-steps 300] [--echo-p 0.5] [--echo-mix 0.25]
 *
 * Status: NOT shipped (the page does not list it). The default recipe leaves
 * the loss plateau in ~1,600 steps (~2.5 min of wasm on 2 cores at ~40 ms/step)
 * and copies well — held-out second copy ~0.65 nats/token against ~3.85 for
 * the first — but its layer-1 heads attend to key i − L + 2, one past the
 * induction target, and read the answer from the previous-token head's output
 * there (a V-composition variant; the same offset at L = 6, 10 and 16, so it
 * is content-based). The heads lab's standard induction score (key i − L + 1)
 * stays at 0.02, so as a positive control for that detector it fails. The echo
 * text probably causes it: it teaches the previous-token head to write
 * "predict x[i−1]" into the residual, which the layer above can read directly.
 *
 * What was tried (seed 1337, batch 16, wasm; held-out probe = random strings
 * written twice; "plateau" = no previous-token or induction score above 0.1):
 * - the first attempt's text (segments repeated after random gaps), 2×2, width
 *   64, context 64, 5,400 steps: second copy ~3.1 nats/token, plateau;
 * - one random string of L ∈ [8, 31] written back to back, context 64,
 *   lr 3e-3, no weight decay: 500 steps, train 3.54, plateau (stopped);
 *   the same with 4 heads × width 128, lr 1e-3: stopped at 100 steps (slow);
 *   with L from 2, log-uniform: 600 steps, train 2.68, plateau;
 *   with sinusoidal initial positions (amplitude 0.03 or 0.1): 300 steps, plateau;
 *   with init_std 0.08: 300 steps, train 3.51, plateau;
 * - 32-token windows, L ∈ [4, 15], lr 1e-2 + sinusoids: 200 steps, plateau;
 *   init_std 0.08, 2 or 4 heads: 900 / 700 steps, plateau;
 * - context 32, L ∈ [4, 16], init_std 0.08 (lr 3e-3): 2,300 steps, second copy
 *   2.41 (in-context unigram level), previous-token 0.06, induction 0.03;
 *   lr 1e-2: slower; + sinusoids: 700 steps, plateau; L ∈ [2, 5]: 600 steps,
 *   train 1.41, plateau;
 * - echo warm-up (300 steps) then repeated strings only: previous-token score
 *   0.99 after warm-up, fading to 0.09 within 300 steps;
 * - echo warm-up + 25% echo text mixed in (2 heads: 2,000 steps, plateau; 4,000:
 *   second copy 1.09), 50% echo with p 0.8 (2 heads, 4,000 steps: 1.09), and the
 *   default (4 heads, 25%): all leave the plateau with the shifted heads above,
 *   standard induction score ≤ 0.04;
 * - width 128 × 4 heads, echo + 25%: 700 steps, plateau (stopped for time).
 * Next to try: a warm-up that trains a previous-token head whose output cannot
 * be read as the answer (echo of a fixed permutation, x[i+1] = π(x[i−1])), or
 * dropping the echo mix once a previous-token head is used by the layer above.
 *
 * The data is wholly copying: each training string is a random string of L
 * characters (L uniform in [min-period, max-period], characters uniform over
 * the alphabet) written back to back to fill a window. The first L characters
 * cannot be predicted; every later one can, by looking back to where the
 * current character occurred before and copying what followed it — what an
 * induction head does, fed by a previous-token head in the layer below. Two
 * layers are the fewest that can form that circuit; the MLPs are kept narrow
 * (n_inner = n_embd) so that attention does the work.
 *
 * The run is seeded (weights, data and batches). training.json records the
 * recipe, the loss curve and, on held-out probes (random strings written
 * twice, drawn as the heads lab draws them), the loss on the first copy
 * against the second, every head's induction and previous-token scores, the
 * loss with the top induction head switched off, and greedy continuations of
 * the model's default prompt with the head on and off.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend.ts';
import { headScores, probeExcludedIds, PROBE_SAMPLES } from '../src/engine/handlers/attentionHeads.ts';
import { GPT } from '../src/model/gpt.ts';
import { makeConfig } from '../src/model/config.ts';
import { Trainer, type TrainSettings } from '../src/train/trainer.ts';
import { DEFAULT_ADAMW } from '../src/train/adamw.ts';
import { loadGPT, saveGPTToDirectory } from '../src/io/checkpoint.ts';
import { attentionScores, headProbe, probeLogProbs, type HeadProbe } from '../src/model/heads.ts';
import { greedyRun } from '../src/sampling/headAblation.ts';
import { CharTokenizer, UNKNOWN_CHAR } from '../src/tokenizer/char.ts';
import { Rng } from '../src/util/random.ts';
import { headMatrix } from '../src/model/trace.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const seed = Number(arg('seed', '1337'));
const outDir = path.resolve(arg('out', '.runs/induction-model'));

/** What a learner can type: space, digits, lowercase letters; anything else reads as the unknown token (id 0). */
const ALPHABET = [' ', ...'0123456789', ...'abcdefghijklmnopqrstuvwxyz'];
const tokenizer = new CharTokenizer([UNKNOWN_CHAR, ...ALPHABET], UNKNOWN_CHAR);

/**
 * 2 layers of width 64 (55k parameters). A 32-token context: the heads lab
 * probes with two copies of half the context, so every probe position is one
 * training saw, and each step costs half what 64 tokens would.
 * init_std 0.08 (≈ 0.6/√n_embd) rather than GPT-2's 0.02, which is sized for
 * width 768: at width 64 it leaves Q·Kᵀ so small that attention patterns
 * barely move at first (the gradient of each of Q and K is proportional to
 * the other).
 */
const config = makeConfig('tiny', {
  vocabSize: tokenizer.vocabSize, blockSize: Number(arg('block', '32')), nLayer: 2, nHead: Number(arg('heads', '4')), nEmbd: 64, nInner: 64,
  initStd: Number(arg('init-std', '0.08')),
});
const minPeriod = Number(arg('min-period', '4'));
const maxPeriod = Number(arg('max-period', String(config.blockSize / 2)));
const settings: Partial<TrainSettings> = {
  batchSize: Number(arg('batch', '16')),
  blockSize: config.blockSize,
  steps: Number(arg('steps', '4000')),
  learningRate: Number(arg('lr', '3e-3')),
  minLearningRate: Number(arg('lr', '3e-3')) / 10,
  warmupSteps: 50,
  seed,
  // No weight decay: nothing here to regularise, and decay pulls the small circuit's weights back towards the plateau.
  adamw: { ...DEFAULT_ADAMW, weightDecay: Number(arg('wd', '0')) },
};

/**
 * Echo text, the curriculum's first part: each character repeats the one two
 * back with probability ECHO_P, else is uniform. Only attention to the
 * previous token predicts it, so a previous-token head forms within 100 steps
 * (on the repeated strings alone none formed in 2,300). ECHO_MIX of the main
 * phase's strings stay echo text, or the head fades again before the layer
 * above learns to use it.
 */
const echoSteps = Number(arg('echo-steps', '300'));
const ECHO_P = Number(arg('echo-p', '0.5'));
const ECHO_MIX = Number(arg('echo-mix', '0.25'));
function echoInto(out: Int32Array, from: number, to: number, rng: Rng): void {
  for (let i = from; i < to; i++) out[i] = i - from >= 2 && rng.next() < ECHO_P ? out[i - 2] : 1 + rng.int(ALPHABET.length);
}

/**
 * Training strings: a random string of L ∈ [minPeriod, maxPeriod] characters
 * written back to back for `span` characters, then the next. Characters are
 * uniform over the alphabet (never the unknown token). Training windows start
 * anywhere, so a window may hold the end of one string and the start of the next.
 */
function periodicStream(rng: Rng, length: number, span: number): Int32Array {
  const out = new Int32Array(length);
  let n = 0;
  while (n < length) {
    if (rng.next() < ECHO_MIX) {
      echoInto(out, n, Math.min(length, n + span), rng);
      n = Math.min(length, n + span);
      continue;
    }
    const period = minPeriod + rng.int(maxPeriod - minPeriod + 1);
    const unit = Array.from({ length: period }, () => 1 + rng.int(ALPHABET.length));
    for (let j = 0; j < span && n < length; j++) out[n++] = unit[j % period];
  }
  return out;
}

await selectBackend(['wasm', 'cpu'], path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
const model = GPT.create(config, seed);
const span = config.blockSize + 1;
const tokens = periodicStream(new Rng(seed + 1000), (settings.steps! * settings.batchSize! + 1) * span, span);
console.log(`backend ${tf.getBackend()}; ${model.describe()}; ${settings.steps} steps of ${settings.batchSize} × ${config.blockSize}`);

/** Held out: the heads lab's own probe (random strings written twice, half the context each), from a seed training never used. */
const PROBE_SEED = seed + 1;
const exclude = probeExcludedIds(tokenizer, config.vocabSize);
const heldOut = headProbe(config, { seed: PROBE_SEED, samples: 16, exclude });
const halves = (m: GPT, probe: HeadProbe) => {
  const lp = probeLogProbs(m, probe);
  return { first_copy: -lp.first, second_copy: -lp.repeat };
};
const best = (m: GPT, probe: HeadProbe) => {
  const scores = attentionScores(m, probe);
  const layer = (l: number) => scores.filter((h) => h.layer === l);
  return {
    induction: Math.max(...layer(config.nLayer - 1).map((h) => h.induction)),
    shifted: Math.max(...layer(config.nLayer - 1).map((h) => shiftedScore(m, probe, h.layer, h.head))),
    previous_token: Math.max(...layer(0).map((h) => h.previousToken)),
  };
};

/**
 * Attention from each query i of the repeat to key i − L + 2, one past the
 * induction target: where the heads this recipe grows look (they read the
 * answer from the previous-token head's output there), which the standard
 * induction score does not count.
 */
function shiftedScore(m: GPT, probe: HeadProbe, layer: number, head: number): number {
  const L = probe.length;
  let sum = 0;
  for (const ids of probe.sequences) {
    const a = m.run(ids, { trace: true }).trace!.layers[layer].attention;
    const p = headMatrix(a, head).data;
    for (let i = L; i < 2 * L - 1; i++) sum += p[i * a.keyCount + i - L + 2] / (L - 1) / probe.sequences.length;
  }
  return sum;
}

interface CurvePoint { step: number; train_loss: number; first_copy: number; second_copy: number; induction: number; shifted: number; previous_token: number; seconds: number }
const curve: CurvePoint[] = [];
const evalEvery = Number(arg('eval-every', '100'));
const t0 = performance.now();
const cpu0 = process.cpuUsage();
if (echoSteps > 0) {
  const echo = new Int32Array((echoSteps * settings.batchSize! + 1) * span);
  echoInto(echo, 0, echo.length, new Rng(seed + 2000));
  const warm = new Trainer(model, echo, { ...settings, steps: echoSteps, minLearningRate: settings.learningRate });
  await warm.run();
  const b = best(model, heldOut);
  console.log(`echo warm-up: ${echoSteps} steps, loss ${warm.history[warm.history.length - 1].loss.toFixed(3)}; best previous-token score in layer 0 ${b.previous_token.toFixed(2)}`);
  warm.dispose();
}
const trainer = new Trainer(model, tokens, settings);
let recent: number[] = [];
await trainer.run({
  onStep: (s) => {
    recent.push(s.loss);
    if (s.step % evalEvery !== 0 && s.step !== settings.steps) return;
    const point = {
      step: s.step, train_loss: recent.reduce((a, b) => a + b, 0) / recent.length, ...halves(model, heldOut), ...best(model, heldOut),
      seconds: Math.round((performance.now() - t0) / 1000),
    };
    recent = [];
    curve.push(point);
    console.log(`step ${s.step}: train ${point.train_loss.toFixed(3)}, held-out first copy ${point.first_copy.toFixed(3)}, second copy ` +
      `${point.second_copy.toFixed(3)} nats/token; best induction (last layer) ${point.induction.toFixed(2)} (one key later ${point.shifted.toFixed(2)}), previous-token (layer 0) ` +
      `${point.previous_token.toFixed(2)}; ${s.ms.toFixed(0)} ms/step, ${point.seconds} s`);
  },
});
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;

await saveGPTToDirectory(model, outDir, { dtype: 'F16' });
fs.writeFileSync(path.join(outDir, 'tokenizer.json'), JSON.stringify(tokenizer.toJSON()));
// The LoRA panel measures forgetting on original-sample.txt: here, text of the kind the model learned.
const sampleIds = periodicStream(new Rng(seed + 2), 4000, config.blockSize);
fs.writeFileSync(path.join(outDir, 'original-sample.txt'), tokenizer.decode([...sampleIds]));

// Figures as shipped (F16 weights read back), so they are those of the files the page loads.
const shipped = await loadGPT({ config: path.join(outDir, 'config.json'), weights: path.join(outDir, 'model.safetensors') });
const heads = attentionScores(shipped, heldOut).map((h) => ({
  layer: h.layer, head: h.head, induction: h.induction, one_key_later: shiftedScore(shipped, heldOut, h.layer, h.head), previous_token: h.previousToken,
}));
const top = heads.reduce((a, b) => (b.induction > a.induction ? b : a));
const ablatedTop = probeLogProbs(shipped, heldOut, [top]);
// What the page shows: the heads lab's scan at its default seed.
const page = await headScores(shipped, tokenizer, 1337);
const prompt = 'fkq2 zv9 fkq2 zv9 '; // a random string written twice
const greedy = (ablate: { layer: number; head: number }[]) => tokenizer.decode(greedyRun(shipped, tokenizer.encode(prompt), { maxNewTokens: 24, ablate }).generated);

const training = {
  purpose: 'A positive control for the heads lab: a toy trained only on random strings written out again and again, so that it must form induction heads (Olsson et al. 2022).',
  data: {
    kind: 'synthetic, generated by scripts/train-induction.ts periodicStream',
    alphabet: ALPHABET.join(''),
    echo: `${echoSteps} warm-up steps of echo text (each character repeats the one two back with probability ${ECHO_P}), and ${ECHO_MIX} of the main phase's strings`,
    strings: `a random string of ${minPeriod}–${maxPeriod} characters (uniform over the alphabet) written back to back for ${span} characters, then the next`,
    tokens: tokens.length,
    seed,
  },
  tokenizer: { kind: 'character', vocab_size: tokenizer.vocabSize, unknown_token: 'U+FFFD (id 0)' },
  model: { n_layer: config.nLayer, n_head: config.nHead, n_embd: config.nEmbd, n_inner: config.nInner, n_positions: config.blockSize, initializer_range: config.initStd, parameters: model.describe() },
  settings: trainer.settings,
  backend: tf.getBackend(),
  steps: settings.steps,
  seconds: Math.round(seconds),
  cpu_seconds: Math.round(cpuSeconds),
  step_ms_median: median(trainer.history.map((h) => h.ms)),
  loss_curve: curve,
  held_out: {
    probe: `${heldOut.sequences.length} random strings of ${heldOut.length} characters written twice (model/heads.ts headProbe, seed ${PROBE_SEED})`,
    loss_nats_per_token: halves(shipped, heldOut),
    top_induction_head: { layer: top.layer, head: top.head, loss_switched_off: { first_copy: -ablatedTop.first, second_copy: -ablatedTop.repeat } },
    heads,
  },
  heads_lab_scan: {
    seed: page.seed, samples: PROBE_SAMPLES, length: page.length,
    loss_nats_per_token: { first_copy: -page.logProbs.first, second_copy: -page.logProbs.repeat },
    heads: page.heads.map((h) => ({ layer: h.layer, head: h.head, induction: h.induction, previous_token: h.previousToken, copying: h.copying })),
  },
  shipped_weights: { dtype: 'F16', bytes: fs.statSync(path.join(outDir, 'model.safetensors')).size },
  greedy: { prompt, every_head_on: greedy([]), top_induction_head_off: greedy([top]) },
};
fs.writeFileSync(path.join(outDir, 'training.json'), JSON.stringify(training, null, 2) + '\n');
console.log(`wrote ${outDir}: ${seconds.toFixed(0)} s of training (${cpuSeconds.toFixed(0)} s of CPU)\n` + JSON.stringify(training.held_out, null, 1) +
  `\ngreedy ${JSON.stringify(prompt)} → ${JSON.stringify(training.greedy.every_head_on)}; with L${top.layer} H${top.head} off → ${JSON.stringify(training.greedy.top_induction_head_off)}`);
shipped.dispose();
trainer.dispose();
model.dispose();

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 0;
}
