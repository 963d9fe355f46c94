/**
 * Trains a candidate for the heads lab's positive control: a tiny 2-layer GPT
 * meant to form induction heads (Olsson et al. 2022), written to --out
 * (default .runs/induction-model/, outside the page's models).
 *
 *   npx tsx scripts/train-induction.ts [--warm-steps 1000] [--steps 2500] [--batch 16] [--lr 3e-3] [--seed 1337] [--out DIR]
 *   npx tsx scripts/train-induction.ts --continue --run-dir DIR --steps 3000 --wd 0 --copies 6 --gap 2
 *
 * Status: on the 2-core CPU machines it has not yet left the plateau. The
 * best run so far (1,000 warm-up steps on 32-token windows, then 4,400 on 64
 * with six copies and gaps of at most two) brought the held-out second copy
 * from 3.67 to about 3.1 nats/token (chance: ln 37 = 3.61) with an induction
 * score under 0.1 — no induction circuit. training.json says what a run reached;
 * the page does not list the model until one forms.
 *
 * The text is random characters (lowercase letters, digits, space) in which
 * random segments come back: a segment, then one or more copies of it, each
 * after a few random characters. The first copy of a segment cannot be
 * predicted; the second can, but only by looking back to where the current
 * character occurred before and copying what followed it — exactly what an
 * induction head does, fed by a previous-token head in the layer below. Two
 * layers are the fewest that can form that circuit; the MLPs are kept narrow
 * (n_inner = n_embd) so that attention does the work ("attention-only-ish").
 *
 * The run is seeded (weights, data and batches) and takes a few minutes on the
 * wasm backend of a 2-core machine. training.json records the recipe and, on
 * held-out probes (random strings written twice, as the heads lab draws them),
 * the loss on the first copy against the second, and every head's induction
 * and previous-token scores.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend.ts';
import { GPT } from '../src/model/gpt.ts';
import { makeConfig } from '../src/model/config.ts';
import { Trainer, type TrainSettings } from '../src/train/trainer.ts';
import { DEFAULT_ADAMW } from '../src/train/adamw.ts';
import { loadGPT, saveGPTToDirectory } from '../src/io/checkpoint.ts';
import { attentionScores, headProbe, probeLogProbs, type HeadProbe } from '../src/model/heads.ts';
import { generate } from '../src/sampling/generate.ts';
import { CharTokenizer, UNKNOWN_CHAR } from '../src/tokenizer/char.ts';
import { Rng } from '../src/util/random.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const seed = Number(arg('seed', '1337'));
const outDir = path.resolve(arg('out', '.runs/induction-model'));

/** What a learner can type: space, digits, lowercase letters; anything else reads as the unknown token (id 0). */
const ALPHABET = [' ', ...'0123456789', ...'abcdefghijklmnopqrstuvwxyz'];
const tokenizer = new CharTokenizer([UNKNOWN_CHAR, ...ALPHABET], UNKNOWN_CHAR);

/** 2 layers × 2 heads: the smallest model with an induction circuit, and no spare heads to share it. */
const config = makeConfig('tiny', {
  vocabSize: tokenizer.vocabSize, blockSize: 64, nLayer: 2, nHead: Number(arg('heads', '2')), nEmbd: 64, nInner: 64,
  initStd: Number(arg('init-std', '0.02')),
});
const settings: Partial<TrainSettings> = {
  batchSize: Number(arg('batch', '16')),
  steps: Number(arg('steps', '2500')),
  learningRate: Number(arg('lr', '3e-3')),
  minLearningRate: Number(arg('lr', '3e-3')) / 10,
  warmupSteps: 50,
  seed,
  adamw: { ...DEFAULT_ADAMW, weightDecay: Number(arg('wd', '0.1')) },
};
/**
 * A warm-up phase first, on 32-token windows of short segments repeated many
 * times: with few keys to choose from and most tokens copyable, the loss
 * leaves its plateau at ln(vocab) sooner (on 64-token windows of the final mix
 * alone, 1,200 steps of 16 windows, or 2,500 of 8, stayed on it). The long
 * windows then teach the circuit every position of the context and segments
 * up to 32 characters.
 */
const warmBlock = Number(arg('warm-block', '32'));
const warmSteps = Number(arg('warm-steps', '1000'));
const warmSegment = Number(arg('warm-seg', '8'));
const warmCopies = Number(arg('warm-copies', '6'));
const warmGap = Number(arg('warm-gap', '2'));
const MAX_GAP = Number(arg('gap', '8'));
const MAX_COPIES = Number(arg('copies', '3'));

/**
 * A stream of episodes: a random segment of 2 … maxSegment characters, then
 * 1 … MAX_COPIES − 1 more copies of it, each after 0 … MAX_GAP random
 * characters. Every character is drawn uniformly from the alphabet (never the
 * unknown token), so nothing but the repeats is predictable. Training windows
 * start anywhere in the stream, so repeats are seen at every position.
 */
function repeatStream(rng: Rng, length: number, maxSegment: number, maxCopies = MAX_COPIES, maxGap = MAX_GAP): Int32Array {
  const out = new Int32Array(length);
  const draw = () => 1 + rng.int(ALPHABET.length);
  let n = 0;
  while (n < length) {
    const segment = Array.from({ length: 2 + rng.int(maxSegment - 1) }, draw);
    const copies = 2 + rng.int(maxCopies - 1);
    const episode: number[] = [...segment];
    for (let c = 1; c < copies; c++) episode.push(...Array.from({ length: rng.int(maxGap + 1) }, draw), ...segment);
    for (const id of episode) if (n < length) out[n++] = id;
  }
  return out;
}

await selectBackend(['wasm', 'cpu'], path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
/**
 * --continue trains further from the last run's float32 weights (.runs/induction/), on the long
 * windows only; the earlier phases and loss curve are carried into training.json.
 */
const RUN_DIR = path.resolve(arg('run-dir', '.runs/induction'));
const resume = process.argv.includes('--continue');
interface CurvePoint { step: number; block_size: number; train_loss: number; first_copy: number; second_copy: number }
interface PhaseRecord { window: number; steps: number; longest_segment: number; most_copies: number; longest_gap: number; tokens: number; learning_rate: number; seconds: number }
const earlier: { phases: PhaseRecord[]; curve: CurvePoint[] } = resume
  ? JSON.parse(fs.readFileSync(path.join(RUN_DIR, 'run.json'), 'utf8'))
  : { phases: [], curve: [] };
const model = resume
  ? await loadGPT({ config: path.join(RUN_DIR, 'config.json'), weights: path.join(RUN_DIR, 'model.safetensors') })
  : GPT.create(config, seed);
const dataRng = new Rng(seed + 1000 * earlier.phases.length); // each phase's data is its own
const phases = [
  ...(warmSteps > 0 && !resume ? [{ blockSize: warmBlock, steps: warmSteps, segment: warmSegment, copies: warmCopies, gap: warmGap }] : []),
  { blockSize: config.blockSize, steps: settings.steps!, segment: config.blockSize / 2, copies: MAX_COPIES, gap: MAX_GAP },
].map((p) => ({ ...p, tokens: repeatStream(dataRng, p.steps * settings.batchSize! * p.blockSize + p.blockSize + 1, p.segment, p.copies, p.gap) }));
console.log(`backend ${tf.getBackend()}; ${model.describe()}; phases ${phases.map((p) => `${p.steps} steps × ${p.blockSize}`).join(', ')}`);

/** Held out: the heads lab's own probe (random strings written twice, 32 + 32), from seeds training never used. */
const PROBE_SEED = seed + 1;
const heldOut = headProbe(config, { seed: PROBE_SEED, samples: 16, exclude: [tokenizer.unknownId!] });
const halves = (m: GPT, probe: HeadProbe) => {
  const lp = probeLogProbs(m, probe);
  return { first_copy: -lp.first, second_copy: -lp.repeat };
};

const curve: CurvePoint[] = [...earlier.curve];
const phaseRecords: PhaseRecord[] = [...earlier.phases];
const trainers: Trainer[] = [];
const evalEvery = Number(arg('eval-every', '100'));
const t0 = performance.now();
let done = earlier.phases.reduce((n, p) => n + p.steps, 0);
for (const phase of phases) {
  const started = performance.now();
  const trainer = new Trainer(model, phase.tokens, { ...settings, blockSize: phase.blockSize, steps: phase.steps });
  trainers.push(trainer);
  let recent: number[] = [];
  await trainer.run({
    onStep: (s) => {
      recent.push(s.loss);
      if (s.step % evalEvery === 0 || s.step === phase.steps) {
        const train = recent.reduce((a, b) => a + b, 0) / recent.length;
        recent = [];
        const h = halves(model, heldOut);
        curve.push({ step: done + s.step, block_size: phase.blockSize, train_loss: train, ...h });
        console.log(`step ${done + s.step} (window ${phase.blockSize}): train ${train.toFixed(3)}, held-out first copy ${h.first_copy.toFixed(3)}, ` +
          `second copy ${h.second_copy.toFixed(3)} nats/token, ${s.ms.toFixed(0)} ms/step, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      }
    },
  });
  done += phase.steps;
  phaseRecords.push({
    window: phase.blockSize, steps: phase.steps, longest_segment: phase.segment, most_copies: phase.copies, longest_gap: phase.gap,
    tokens: phase.tokens.length, learning_rate: settings.learningRate!, seconds: Math.round((performance.now() - started) / 1000),
  });
}
await saveGPTToDirectory(model, RUN_DIR, { dtype: 'F32' });
fs.writeFileSync(path.join(RUN_DIR, 'run.json'), JSON.stringify({ phases: phaseRecords, curve }));
const seconds = (performance.now() - t0) / 1000;

await saveGPTToDirectory(model, outDir, { dtype: 'F16' });
fs.writeFileSync(path.join(outDir, 'tokenizer.json'), JSON.stringify(tokenizer.toJSON()));
// The LoRA panel measures forgetting on original-sample.txt: here, text of the kind the model learned.
const sampleIds = repeatStream(new Rng(seed + 2), 4000, config.blockSize / 2);
fs.writeFileSync(path.join(outDir, 'original-sample.txt'), tokenizer.decode([...sampleIds]));

// Scores as shipped (F16 weights read back), so the figures are those of the files the page loads.
const shipped = await loadGPT({ config: path.join(outDir, 'config.json'), weights: path.join(outDir, 'model.safetensors') });
const heads = attentionScores(shipped, heldOut).map((h) => ({ layer: h.layer, head: h.head, induction: h.induction, previous_token: h.previousToken }));
const top = heads.reduce((a, b) => (b.induction > a.induction ? b : a));
const ablatedTop = probeLogProbs(shipped, heldOut, [top]);
const prompt = 'q7 xkzv2m pw9 jd q7 xkzv2m pw9 jd q7 x';
const greedy = generate(shipped, tokenizer.encode(prompt), { maxNewTokens: 24 });

const training = {
  purpose: 'A positive control for the heads lab: a toy trained on text where random segments repeat, so that it must form induction heads (Olsson et al. 2022).',
  data: {
    kind: 'synthetic, generated by scripts/train-induction.ts repeatStream',
    alphabet: ALPHABET.join(''),
    episode: `a random segment of 2 to half-a-window characters, then 1–${MAX_COPIES - 1} more copies of it, each after 0–${MAX_GAP} random characters; characters uniform over the alphabet`,
    phases: phaseRecords,
    seed,
  },
  tokenizer: { kind: 'character', vocab_size: tokenizer.vocabSize, unknown_token: 'U+FFFD (id 0)' },
  model: { n_layer: config.nLayer, n_head: config.nHead, n_embd: config.nEmbd, n_inner: config.nInner, n_positions: config.blockSize, parameters: model.describe() },
  settings: { ...trainers[trainers.length - 1].settings, blockSize: undefined },
  backend: tf.getBackend(),
  steps: done,
  seconds: phaseRecords.reduce((n, p) => n + p.seconds, 0),
  step_ms_median: median(trainers.flatMap((t) => t.history.map((h) => h.ms))),
  loss_curve: curve,
  held_out: {
    probe: `${heldOut.sequences.length} random strings of ${heldOut.length} characters written twice (model/heads.ts headProbe, seed ${PROBE_SEED})`,
    loss_nats_per_token: halves(shipped, heldOut),
    top_induction_head: { layer: top.layer, head: top.head, loss_switched_off: { first_copy: -ablatedTop.first, second_copy: -ablatedTop.repeat } },
    heads,
  },
  shipped_weights: { dtype: 'F16', bytes: fs.statSync(path.join(outDir, 'model.safetensors')).size },
  greedy_prompt: prompt,
  greedy_sample: tokenizer.decode(greedy.generated),
};
fs.writeFileSync(path.join(outDir, 'training.json'), JSON.stringify(training, null, 2) + '\n');
console.log(`wrote ${outDir} in ${seconds.toFixed(0)} s of training\n` + JSON.stringify(training.held_out, null, 1) +
  `\ngreedy: ${JSON.stringify(prompt)} → ${JSON.stringify(training.greedy_sample)}`);
shipped.dispose();
for (const t of trainers) t.dispose();
model.dispose();

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 0;
}
