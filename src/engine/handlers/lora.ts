import * as tf from '@tensorflow/tfjs';
import type {
  AdapterSummary, ComparisonRun, GenerationPair, LoraDataSummary, LoraInspection, LoraMethods, LoraStatus, LoraTextSource,
  QloraReport,
} from '../loraProtocol.ts';
import { type Handler, type LoadedModel, engineReady, modelIn, yieldToEvents } from '../runtime.ts';
import { GPT, InputError } from '../../model/gpt.ts';
import { LoraAdapter } from '../../lora/lora.ts';
import { readTextFile } from '../../io/userText.ts';
import { type LoraConfig, LoraError, loraScaling } from '../../lora/config.ts';
import { type AdaptationPoint, type AdaptationResult, adapt } from '../../lora/experiment.ts';
import { exportPeft, importPeft } from '../../lora/peft.ts';
import { quantizedCopy } from '../../lora/qlora.ts';
import { explanationsAsText } from '../../lessons/explanations.ts';
import { splitCorpus } from '../../data/corpus.ts';
import { decode } from '../../sampling/sampler.ts';
import { DEFAULT_SAMPLING } from '../../sampling/settings.ts';
import { Trainer } from '../../train/trainer.ts';
import { singularValues } from '../../util/linalg.ts';

// The LoRA panel's side of the worker. It holds the adapters of the embedded
// model (one attached at a time), trains them with the core's `adapt`, and
// answers with plain data. The embedded model's own weights change only while
// an adapter is merged; full fine-tuning always trains a copy.

/**
 * Batches of 8 windows of 64 tokens: a LoRA step of the playground model takes
 * about half a second on wasm, so a few dozen steps fit in a minute, and the
 * default text (~4,000 tokens) still holds ~6 validation windows.
 */
const BATCH_SIZE = 8;
const BLOCK_SIZE = 64;
/** Validation batches per text per evaluation: the same fixed windows every time. */
const EVAL_BATCHES = 2;
/** Longer texts are cut: tokenizing stays within a second or two. */
const MAX_CHARACTERS = 1_000_000;
/** Most tokens the same-seed comparison generates (each run is synchronous in the worker). */
const MAX_COMPARE_TOKENS = 200;

// ---- the adapters held for the embedded model ---------------------------------------

interface Held {
  id: number;
  name: string;
  adapter: LoraAdapter;
  origin: 'trained' | 'imported';
  steps: number;
  qlora: boolean;
  history: AdaptationPoint[];
  /** Logits of the base (no adapter) on the probe, taken when merging: unmerge checks they come back. */
  mergeCheck: { probe: number[]; base: Float32Array[] } | null;
}

const held: Held[] = [];
let heldFor: GPT | null = null;
let nextId = 1;
/** A training run or comparison is in progress: the calls that change adapters wait for it. */
let busy = false;

/** The embedded model; adapters made for a model that has since been replaced are dropped. */
function embedded(): LoadedModel {
  const loaded = modelIn('embedded');
  if (heldFor !== loaded.model) {
    // The old model is already disposed, so its adapters cannot unmerge: free their own tensors only.
    for (const h of held.splice(0)) for (const l of h.adapter.layers) tf.dispose([l.loraA, l.loraB]);
    heldFor = loaded.model;
  }
  return loaded;
}

function find(id: number): Held {
  const h = held.find((x) => x.id === id);
  if (!h) throw new LoraError(`There is no adapter #${id} (it was deleted, or the model was reloaded).`);
  return h;
}

function notBusy(): void {
  if (busy) throw new LoraError('An adapter is training right now; stop it or wait for it to finish first.');
}

function mergedOne(): Held | undefined {
  return held.find((h) => h.adapter.merged);
}

function notMerged(doing: string): void {
  const m = mergedOne();
  if (m) throw new LoraError(`${m.name} is merged into the weights; unmerge it before ${doing}.`);
}

/** Attaches `h` (or nothing) to the embedded model: only one adapter per linear layer. */
function attach(h: Held | null): void {
  for (const x of held) if (x !== h && x.adapter.enabled) x.adapter.enabled = false;
  if (h) h.adapter.enabled = true;
}

/** Runs `fn` with `h` (or nothing) attached, then puts back whatever was attached before. */
function withAttached<T>(h: Held | null, fn: () => T): T {
  const before = held.find((x) => x.adapter.enabled) ?? null;
  attach(h);
  try {
    return fn();
  } finally {
    attach(before);
  }
}

function summary(h: Held): AdapterSummary {
  return {
    id: h.id,
    name: h.name,
    config: h.adapter.config,
    scaling: loraScaling(h.adapter.config),
    trainableParameters: h.adapter.trainableCount,
    origin: h.origin,
    steps: h.steps,
    qlora: h.qlora,
    enabled: h.adapter.enabled,
    merged: h.adapter.merged,
    history: h.history.slice(),
  };
}

function status(): LoraStatus {
  const { info } = embedded();
  return { adapters: held.map(summary), modelName: info.name, baseParameters: info.parameterCount, busy };
}

function adapterName(id: number, c: LoraConfig): string {
  return `#${id} r=${c.r} α=${c.lora_alpha}${c.use_rslora ? ' rsLoRA' : ''}`;
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((row, i) => {
    for (let j = 0; j < row.length; j++) m = Math.max(m, Math.abs(row[j] - b[i][j]));
  });
  return m;
}

/** The prompt's tokens (its last context-window's worth), or the default text's start when it gives none. */
function probeIds(loaded: LoadedModel, probe: string): number[] {
  let ids = probe ? loaded.tokenizer.encode(probe) : [];
  if (ids.length === 0) ids = loaded.tokenizer.encode(explanationsAsText().slice(0, 200));
  return ids.slice(-loaded.model.config.blockSize);
}

// ---- the data of a run ----------------------------------------------------------------

async function readNewText(source: LoraTextSource): Promise<string> {
  if (source.kind === 'default') return explanationsAsText();
  let text = source.kind === 'text' ? source.text : '';
  if (source.kind === 'file') text = await readTextFile(source.file);
  if (text.trim().length === 0) throw new InputError('The new text is empty: paste some text, choose a file, or use the default text.');
  return text.slice(0, MAX_CHARACTERS);
}

interface OriginalCorpus {
  trainIds: Int32Array;
  valIds: Int32Array;
  source: 'file' | 'generated';
  description: string;
}

/** Per model: reading or writing the original sample happens once. */
const originals = new WeakMap<GPT, OriginalCorpus>();

/**
 * The embedded model's original corpus, for the forgetting curve. The page
 * cannot ship Tiny Shakespeare, so the model folder may hold
 * `original-sample.txt`, a few KB of its held-out split (first half: text to mix
 * in; second half: validation). Without it, text the model itself writes stands
 * in: sampled at temperature 1 from a newline, seeded. Sampled, not greedy:
 * greedy text of a small model is a loop, and a loop's loss says nothing about
 * the model's distribution; the loss on its own samples rises exactly as the
 * adapted model drifts from the original.
 */
async function originalCorpus(loaded: LoadedModel, baseUrl: string | null): Promise<OriginalCorpus> {
  const cached = originals.get(loaded.model);
  if (cached) return cached;
  const blockSize = Math.min(BLOCK_SIZE, loaded.model.config.blockSize);
  let corpus: OriginalCorpus | null = null;
  const text = baseUrl ? await fetchSample(new URL('original-sample.txt', baseUrl).href) : null;
  if (text) {
    const { train, val } = splitCorpus(text, 0.5);
    const trainIds = Int32Array.from(loaded.tokenizer.encode(train));
    const valIds = Int32Array.from(loaded.tokenizer.encode(val));
    if (trainIds.length > blockSize && valIds.length > blockSize) {
      corpus = {
        trainIds,
        valIds,
        source: 'file',
        description: `original-sample.txt from the model's folder (${text.length.toLocaleString('en')} characters of its original corpus)`,
      };
    }
  }
  corpus ??= await generatedSample(loaded, blockSize);
  originals.set(loaded.model, corpus);
  return corpus;
}

async function fetchSample(url: string): Promise<string | null> {
  try {
    const response = await fetch(url);
    if (!response.ok) return null;
    const text = await response.text();
    // A preview or dev server answers a missing file with the app's index.html.
    if (/^\s*<(!doctype|html)/i.test(text) || text.trim().length === 0) return null;
    return text;
  } catch {
    return null;
  }
}

async function generatedSample(loaded: LoadedModel, blockSize: number): Promise<OriginalCorpus> {
  const { model, tokenizer } = loaded;
  let prompt: number[];
  try {
    prompt = tokenizer.encode('\n');
  } catch {
    prompt = [];
  }
  if (prompt.length === 0) prompt = [0];
  const sequences = async (from: number, count: number) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      // The base model exactly: no adapter attached while it writes.
      const { generated } = withAttached(null, () =>
        decode(model, prompt, { ...DEFAULT_SAMPLING, do_sample: true, temperature: 1 }, { maxNewTokens: 2 * blockSize, seed: 9000 + from + i }),
      );
      ids.push(...generated);
      await yieldToEvents();
    }
    return Int32Array.from(ids);
  };
  // Validation: ~8 windows (one evaluation batch); mixing in: a few more, other seeds.
  const valIds = await sequences(0, 4);
  const trainIds = await sequences(100, 2);
  return {
    trainIds,
    valIds,
    source: 'generated',
    description:
      `no original-sample.txt next to the model, so ${valIds.length.toLocaleString('en')} tokens the model itself wrote ` +
      '(sampled at temperature 1, seeded) stand in for its original corpus',
  };
}

interface RunData {
  trainIds: Int32Array;
  newValIds: Int32Array;
  original: OriginalCorpus;
  summary: LoraDataSummary;
}

async function prepareData(loaded: LoadedModel, source: LoraTextSource, baseUrl: string | null): Promise<RunData> {
  const text = await readNewText(source);
  const blockSize = Math.min(BLOCK_SIZE, loaded.model.config.blockSize);
  const { train, val } = splitCorpus(text, 0.9);
  const trainIds = Int32Array.from(loaded.tokenizer.encode(train));
  const newValIds = Int32Array.from(loaded.tokenizer.encode(val));
  if (newValIds.length < blockSize + 1 || trainIds.length < blockSize + 1) {
    throw new InputError(
      `The new text is too short: ${text.length} characters make ${trainIds.length + newValIds.length} tokens, and its last tenth ` +
        `(held out for validation) needs at least ${blockSize + 1}. Add more text — a few thousand characters at least.`,
    );
  }
  const original = await originalCorpus(loaded, baseUrl);
  return {
    trainIds,
    newValIds,
    original,
    summary: {
      newTextCharacters: text.length,
      trainTokens: trainIds.length,
      newValTokens: newValIds.length,
      original: original.description,
      originalSource: original.source,
      originalValTokens: original.valIds.length,
      batchSize: BATCH_SIZE,
      blockSize,
    },
  };
}

function trainSettings(model: GPT, steps: number, learningRate: number, seed: number) {
  return {
    batchSize: BATCH_SIZE,
    blockSize: Math.min(BLOCK_SIZE, model.config.blockSize),
    learningRate,
    minLearningRate: learningRate / 10,
    warmupSteps: Math.max(1, Math.min(10, Math.floor(steps / 10))),
    seed,
  };
}

const evalEvery = (steps: number) => Math.max(5, Math.ceil(steps / 12));

/** Mean validation loss with the core's evaluation windows (no optimizer state: nothing trains). */
function validationLoss(model: GPT, ids: Int32Array): number {
  const t = new Trainer(model, ids, { batchSize: BATCH_SIZE, blockSize: Math.min(BLOCK_SIZE, model.config.blockSize), steps: 1 }, []);
  try {
    return t.evaluate(ids, EVAL_BATCHES);
  } finally {
    t.dispose();
  }
}

function runData(d: RunData, mix: number) {
  return { trainIds: d.trainIds, newValIds: d.newValIds, originalValIds: d.original.valIds, mixOriginal: mix, originalTrainIds: d.original.trainIds };
}

// ---- the methods ----------------------------------------------------------------------

const loraTrain: Handler<'loraTrain'> = async (params, job) => {
  await engineReady();
  const loaded = embedded();
  notBusy();
  notMerged('training');
  const { model } = loaded;
  const continuing = params.adapterId === null ? null : find(params.adapterId);
  const config = continuing ? continuing.adapter.config : params.config;
  busy = true;
  let quantized: Awaited<ReturnType<typeof quantizedCopy>> | null = null;
  let trainee: LoraAdapter | null = null; // the adapter being trained (on the model, or on the NF4 copy)
  let fresh: LoraAdapter | null = null; // a new adapter on the embedded model, not yet held
  const attachedBefore = held.find((h) => h.adapter.enabled) ?? null;
  try {
    job.emit({ type: 'status', message: 'Preparing the text and the original-corpus sample…' });
    const data = await prepareData(loaded, params.source, params.modelBaseUrl);
    let baseLossFloat = NaN;
    let baseLossNf4 = NaN;
    if (params.qlora) {
      job.emit({ type: 'status', message: 'Rounding the base weights to 4-bit NF4…' });
      baseLossFloat = withAttached(null, () => validationLoss(model, data.newValIds));
      quantized = await quantizedCopy(model);
      baseLossNf4 = validationLoss(quantized.model, data.newValIds);
      const values = continuing ? await continuing.adapter.values() : null;
      trainee = values
        ? LoraAdapter.build(quantized.model, config, (name) => values.get(name)!)
        : LoraAdapter.create(quantized.model, config, params.seed);
      trainee.enabled = true;
      if (!continuing) fresh = LoraAdapter.build(model, config, (_n, r, fanIn, fanOut) => ({ a: new Float32Array(r * fanIn), b: new Float32Array(fanOut * r) }));
    } else {
      trainee = continuing ? continuing.adapter : (fresh = LoraAdapter.create(model, config, params.seed));
      attach(null);
      trainee.enabled = true;
    }
    const id = continuing ? continuing.id : nextId++;
    const name = continuing ? continuing.name : adapterName(id, config);
    const startStep = continuing ? continuing.steps : 0;
    job.emit({
      type: 'prepared', data: data.summary, adapterId: id, adapterName: name, startStep,
      trainableParameters: trainee.trainableCount, optimizerBytes: trainee.trainableCount * 8,
    });
    const points: AdaptationPoint[] = [];
    const shifted = (p: AdaptationPoint): AdaptationPoint => ({ ...p, step: p.step + startStep });
    const trainModel = quantized ? quantized.model : model;
    let lastStep = 0;
    const result = await adapt(
      trainModel,
      runData(data, params.mixOriginal),
      {
        steps: params.steps,
        evalEvery: evalEvery(params.steps),
        evalBatches: EVAL_BATCHES,
        settings: trainSettings(model, params.steps, params.learningRate, params.seed + startStep),
        onPoint: (p) => {
          // A continued run re-measures its starting point: the history already has it.
          if (continuing && p.step === 0) return;
          points.push(shifted(p));
          job.emit({ type: 'point', point: shifted(p) });
        },
        onStep: (s) => {
          lastStep = s.step;
          job.emit({ type: 'step', step: s.step + startStep, loss: s.loss, ms: s.ms });
        },
        shouldStop: () => job.stopped,
      },
      { kind: 'lora', adapter: trainee },
    );
    const lastPoint = result.points.at(-1)?.step ?? 0;
    // After a divergence the adapter holds (at least) the last evaluated weights: count those steps.
    const trainedSteps = result.stoppedBy ? lastPoint : lastStep;
    if (!result.stoppedBy && lastPoint < lastStep) {
      // Stopped between evaluations: measure where it stopped (the same fixed windows as `adapt`).
      const p = shifted({
        step: lastStep,
        trainLoss: NaN,
        newTextLoss: validationLoss(trainModel, data.newValIds),
        originalLoss: validationLoss(trainModel, data.original.valIds),
      });
      points.push(p);
      job.emit({ type: 'point', point: p });
    }
    let h: Held;
    if (continuing) {
      h = continuing;
    } else {
      h = { id, name, adapter: fresh!, origin: 'trained', steps: 0, qlora: params.qlora, history: [], mergeCheck: null };
      held.push(h);
      fresh = null;
    }
    let qlora: QloraReport | null = null;
    if (quantized && trainee) {
      h.adapter.restore(await trainee.values());
      const adaptedLossFloat = withAttached(h, () => validationLoss(model, data.newValIds));
      qlora = {
        float32Bytes: quantized.float32Bytes,
        nf4Bytes: quantized.nf4Bytes,
        rmsError: quantized.rmsError,
        baseLossFloat,
        baseLossNf4,
        adaptedLossNf4: points.at(-1)?.newTextLoss ?? NaN,
        adaptedLossFloat,
      };
    }
    h.steps += trainedSteps;
    h.qlora = params.qlora;
    h.history.push(...points);
    attach(h);
    return {
      adapter: summary(h),
      status: { ...status(), busy: false },
      points,
      trainableParameters: result.trainableParameters,
      optimizerBytes: result.optimizerBytes,
      medianStepMs: result.medianStepMs,
      stoppedBy: result.stoppedBy ?? null,
      stopped: job.stopped,
      qlora,
      data: data.summary,
    };
  } catch (e) {
    fresh?.dispose();
    attach(attachedBefore);
    throw e;
  } finally {
    if (quantized) {
      trainee?.dispose();
      quantized.model.dispose();
    }
    busy = false;
  }
};

const loraAttach: Handler<'loraAttach'> = async ({ id }) => {
  await engineReady();
  embedded();
  notBusy();
  const h = id === null ? null : find(id);
  if (h?.adapter.merged) throw new LoraError(`${h.name} is merged into the weights: it is already in effect. Unmerge it to switch it.`);
  notMerged(h ? 'switching adapters' : 'switching the adapter off');
  attach(h);
  return status();
};

const loraMerge: Handler<'loraMerge'> = async ({ id, merge, probe }) => {
  await engineReady();
  const loaded = embedded();
  notBusy();
  const h = find(id);
  const { model } = loaded;
  if (merge) {
    if (h.adapter.merged) throw new LoraError(`${h.name} is already merged.`);
    notMerged('merging another');
    const ids = probeIds(loaded, probe);
    const base = withAttached(null, () => model.logitsAt(ids));
    attach(h);
    const before = model.logitsAt(ids);
    h.adapter.merge(); // detaches it and adds ΔW into W
    const after = model.logitsAt(ids);
    h.mergeCheck = { probe: ids, base };
    return { status: status(), merged: true, maxAbsLogitDiff: maxAbsDiff(before, after), baseMaxAbsLogitDiff: null, probeTokens: ids.length };
  }
  if (!h.adapter.merged || !h.mergeCheck) throw new LoraError(`${h.name} is not merged.`);
  const { probe: ids, base } = h.mergeCheck;
  const before = model.logitsAt(ids);
  h.adapter.unmerge(); // subtracts ΔW and re-attaches it
  const after = model.logitsAt(ids);
  const baseAfter = withAttached(null, () => model.logitsAt(ids));
  h.mergeCheck = null;
  return {
    status: status(),
    merged: false,
    maxAbsLogitDiff: maxAbsDiff(before, after),
    baseMaxAbsLogitDiff: maxAbsDiff(base, baseAfter),
    probeTokens: ids.length,
  };
};

const loraGenerate: Handler<'loraGenerate'> = async (params): Promise<GenerationPair> => {
  await engineReady();
  const loaded = embedded();
  notBusy();
  const h = find(params.id);
  if (h.adapter.merged) throw new LoraError(`${h.name} is merged into the weights; unmerge it to compare it on and off.`);
  notMerged('comparing');
  const prompt = loaded.tokenizer.encode(params.prompt);
  if (prompt.length === 0) throw new InputError('The prompt is empty: type at least one character in the prompt box.');
  const greedy = params.temperature === 0;
  const settings = { ...DEFAULT_SAMPLING, do_sample: !greedy, temperature: params.temperature, top_k: params.topK, top_p: params.topP };
  const maxNewTokens = Math.max(1, Math.min(MAX_COMPARE_TOKENS, params.maxNewTokens));
  const run = (on: boolean) => withAttached(on ? h : null, () => decode(loaded.model, prompt, settings, { maxNewTokens, seed: params.seed }).generated);
  const onIds = run(true);
  const offIds = run(false);
  const first = onIds.findIndex((t, i) => t !== offIds[i]);
  return {
    promptTokens: prompt.length,
    on: loaded.tokenizer.decode(onIds),
    off: loaded.tokenizer.decode(offIds),
    onIds,
    offIds,
    firstDifference: first < 0 ? null : first,
    seed: params.seed,
    greedy,
  };
};

/** Singular values of each base weight, per model (W never changes except while merged). */
const baseSpectra = new WeakMap<GPT, Map<string, number[]>>();

const loraInspect: Handler<'loraInspect'> = async ({ id, layer, module }): Promise<LoraInspection> => {
  await engineReady();
  const { model } = embedded();
  const h = find(id);
  const name = `transformer.h.${layer}.${module}`;
  const l = h.adapter.layers.find((x) => x.name === name);
  if (!l) {
    const adapted = [...new Set(h.adapter.layers.map((x) => x.name.replace(/^transformer\.h\.\d+\./, '')))];
    return { kind: 'missing', message: `${h.name} does not adapt ${name}; it adapts ${adapted.join(', ')}.` };
  }
  const r = h.adapter.config.r;
  const { inFeatures, outFeatures, scaling } = l;
  const [a, b, delta, deltaIn] = tf.tidy(() => {
    const d = l.deltaWeight(); // [in, out]
    return [l.loraA.dataSync(), l.loraB.dataSync(), tf.transpose(d).dataSync(), d.dataSync()] as Float32Array[];
  });
  let spectra = baseSpectra.get(model);
  if (!spectra) baseSpectra.set(model, (spectra = new Map()));
  let base = spectra.get(name);
  if (!base) {
    const w = (await l.base.weight.data()) as Float32Array;
    // While merged, W holds W₀ + ΔW: take ΔW out to show the frozen base.
    const w0 = h.adapter.merged ? w.map((v, i) => v - deltaIn[i]) : w;
    base = singularValues(w0, inFeatures, outFeatures);
    if (!h.adapter.merged) spectra.set(name, base);
  }
  return {
    kind: 'matrices',
    name,
    r,
    scaling,
    inFeatures,
    outFeatures,
    a,
    b,
    delta,
    deltaSingularValues: singularValues(delta, outFeatures, inFeatures),
    baseSingularValues: base,
  };
};

const loraExport: Handler<'loraExport'> = async ({ id }) => {
  await engineReady();
  const { info } = embedded();
  const h = find(id);
  const { config, weights } = await exportPeft(h.adapter, info.name);
  return { config, configText: JSON.stringify(config, null, 2) + '\n', weights, name: h.name };
};

const loraImport: Handler<'loraImport'> = async ({ configText, weights, name, probe }) => {
  await engineReady();
  const loaded = embedded();
  notBusy();
  let json: unknown;
  try {
    json = JSON.parse(configText);
  } catch (e) {
    throw new LoraError(`adapter_config.json is not valid JSON (${(e as Error).message}).`);
  }
  const adapter = importPeft(loaded.model, json, weights); // throws before building anything for another base
  const id = nextId++;
  const h: Held = { id, name: `${adapterName(id, adapter.config)} (imported${name ? ` from ${name}` : ''})`, adapter, origin: 'imported', steps: 0, qlora: false, history: [], mergeCheck: null };
  held.push(h);
  // Does it match an adapter already held? Compare their logits on the probe.
  let sameAs: { id: number; name: string; maxAbsLogitDiff: number } | null = null;
  const ids = probeIds(loaded, probe);
  for (const other of held) {
    if (other === h || other.adapter.merged || JSON.stringify(other.adapter.config) !== JSON.stringify(adapter.config)) continue;
    const theirs = withAttached(other, () => loaded.model.logitsAt(ids));
    const ours = withAttached(h, () => loaded.model.logitsAt(ids));
    const diff = maxAbsDiff(theirs, ours);
    if (!sameAs || diff < sameAs.maxAbsLogitDiff) sameAs = { id: other.id, name: other.name, maxAbsLogitDiff: diff };
  }
  if (!mergedOne()) attach(h);
  return { adapter: summary(h), status: status(), sameAs };
};

const loraDelete: Handler<'loraDelete'> = async ({ id }) => {
  await engineReady();
  embedded();
  notBusy();
  const h = find(id);
  h.adapter.dispose(); // unmerges first if merged
  held.splice(held.indexOf(h), 1);
  return status();
};

const loraStatus: Handler<'loraStatus'> = async () => {
  await engineReady();
  return status();
};

/**
 * Full fine-tuning vs LoRA on the same batches for the same steps, both on a
 * copy of the embedded model, which neither touches. LoRA runs first: it leaves
 * the copy's weights as they were (that is measured), so full fine-tuning then
 * starts from the same base.
 */
const loraCompare: Handler<'loraCompare'> = async (params, job) => {
  await engineReady();
  const loaded = embedded();
  notBusy();
  notMerged('comparing against full fine-tuning');
  busy = true;
  let copy: GPT | null = null;
  try {
    job.emit({ type: 'status', message: 'Preparing the text and the original-corpus sample…' });
    const data = await prepareData(loaded, params.source, params.modelBaseUrl);
    job.emit({ type: 'prepared', data: data.summary });
    copy = GPT.fromWeights(loaded.model.config, await loaded.model.weights());
    const ids = probeIds(loaded, '');
    const base = copy.logitsAt(ids);
    const run = async (method: ComparisonRun['method'], learningRate: number, target: Parameters<typeof adapt>[3]): Promise<ComparisonRun> => {
      job.emit({ type: 'status', message: `Training with ${method}…` });
      const r: AdaptationResult = await adapt(copy!, runData(data, params.mixOriginal), {
        steps: params.steps,
        evalEvery: evalEvery(params.steps),
        evalBatches: EVAL_BATCHES,
        settings: trainSettings(copy!, params.steps, learningRate, params.seed),
        onPoint: (point) => job.emit({ type: 'point', method, point }),
        onStep: (s) => job.emit({ type: 'step', method, step: s.step, loss: s.loss }),
        shouldStop: () => job.stopped,
      }, target);
      if (target.kind === 'lora') target.adapter.enabled = false;
      return {
        method,
        points: r.points,
        trainableParameters: r.trainableParameters,
        optimizerBytes: r.optimizerBytes,
        medianStepMs: r.medianStepMs,
        learningRate,
        stoppedBy: r.stoppedBy ?? null,
        maxAbsLogitDiffAfter: maxAbsDiff(base, copy!.logitsAt(ids)),
      };
    };
    const adapter = LoraAdapter.create(copy, params.config, params.seed);
    let lora: ComparisonRun;
    try {
      adapter.enabled = true;
      lora = await run('LoRA', params.learningRate, { kind: 'lora', adapter });
    } finally {
      adapter.dispose();
    }
    const full = job.stopped ? null : await run('full fine-tuning', params.fullLearningRate, { kind: 'full' });
    return { lora, full, stopped: job.stopped, data: data.summary };
  } finally {
    copy?.dispose();
    busy = false;
  }
};

/** One handler per method of LoraMethods. */
export const loraHandlers: { [M in keyof LoraMethods]: Handler<M> } = {
  loraStatus,
  loraTrain,
  loraAttach,
  loraMerge,
  loraGenerate,
  loraInspect,
  loraExport,
  loraImport,
  loraDelete,
  loraCompare,
};
