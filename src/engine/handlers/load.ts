import type { EventOf, LoadStage, ModelInfo, ModelSource, ParamsOf } from '../protocol.ts';
import { type JobContext, engineReady, installModel, yieldToEvents } from '../runtime.ts';
import { InputError } from '../../model/gpt.ts';
import { warmUpDecoding } from '../../model/webgl/warmUp.ts';
import { configFromHF, loadGPT } from '../../io/checkpoint.ts';
import { SourceError } from '../../io/errors.ts';
import { type ProgressCallback, readBytes } from '../../io/source.ts';
import { tokenizerFromJSON } from '../../tokenizer/index.ts';
import { readCached, writeCached } from '../../store/modelCache.ts';

// ---- loadModel -------------------------------------------------------------------
//
// A model is three files of a Hugging Face GPT-2 folder — config.json,
// tokenizer.json, model.safetensors (training.json is optional) — read from a
// URL (through the download cache for other sites' models) or handed over as
// bytes (the browser store, a file picker). Everything is read and checked
// before the active model is replaced: a failed or cancelled load leaves it.

/** A model folder that is not there: the preview server answers a missing file with the app's index.html. */
class ModelNotFoundError extends Error {
  override name = 'ModelNotFoundError';
}

/** A load the page cancelled (another model chosen, or Cancel pressed). */
class LoadCancelledError extends Error {
  override name = 'LoadCancelled';
}

interface FileReader {
  /** Reads one file; `optional` files resolve to null when absent. */
  read(file: string, onProgress: ProgressCallback, optional?: boolean): Promise<Uint8Array | null>;
  /** Where the weights came from, once read. */
  from(): ModelInfo['from'];
  /** After a successful load: keep the files for next time (URL models from other sites); null or the reason not. */
  keep(files: Record<string, Uint8Array>): Promise<string | null>;
  where: string;
}

const caches = (): CacheStorage | undefined => (typeof globalThis.caches === 'undefined' ? undefined : globalThis.caches);

function urlReader(source: Extract<ModelSource, { kind: 'url' }>, signal: AbortSignal): FileReader {
  let weightsFrom: ModelInfo['from'] = 'network';
  return {
    where: source.baseUrl,
    async read(file, onProgress, optional = false) {
      const url = new URL(file, source.baseUrl).href;
      if (source.cache) {
        const cached = await readCached(caches(), url);
        if (cached) {
          if (file === 'model.safetensors') weightsFrom = 'cache';
          onProgress({ loadedBytes: cached.byteLength, totalBytes: cached.byteLength, stage: 'done' });
          return cached;
        }
      }
      try {
        return await readBytes(url, onProgress, { signal });
      } catch (e) {
        if (optional && e instanceof SourceError && e.code !== 'aborted') return null;
        throw e;
      }
    },
    from: () => weightsFrom,
    keep: (files) => (source.cache && weightsFrom === 'network' ? writeCached(caches(), source.baseUrl, files) : Promise.resolve(null)),
  };
}

function filesReader(files: Record<string, Blob | Uint8Array>, signal: AbortSignal): FileReader {
  return {
    where: 'the files given',
    async read(file, onProgress, optional = false) {
      const content = files[file];
      if (!content) {
        if (optional) return null;
        throw new ModelNotFoundError(`${file} is missing: a model needs config.json, model.safetensors and tokenizer.json (the files of a Hugging Face GPT-2 folder).`);
      }
      return readBytes(content, onProgress, { signal });
    },
    from: () => 'browser',
    keep: () => Promise.resolve(null),
  };
}

const decodeText = (bytes: Uint8Array) => new TextDecoder('utf-8').decode(bytes);

function parseJSON(text: string, file: string, where: string): unknown {
  if (/^\s*</.test(text)) throw new ModelNotFoundError(`There is no model at ${where}: ${file} is missing (the server answered with a web page).`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelNotFoundError(`${file} from ${where} is not valid JSON (${(e as Error).message}).`);
  }
}

/** training.json is optional: a missing one may come back as the server's web page. */
function optionalJSON(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export async function loadModel({ source, name, ref }: ParamsOf<'loadModel'>, job: JobContext<EventOf<'loadModel'>>): Promise<ModelInfo> {
  performance.mark('load:start');
  // The files are read while the backend may still be starting (the page sends init and loadModel together,
  // src/panels/engineBoot.ts); only building the tensors waits for it.
  const backend = engineReady();
  backend.catch(() => {}); // a backend that fails fails the init call; this load fails where it awaits it below
  const reader = source.kind === 'url' ? urlReader(source, job.signal) : filesReader(source.files, job.signal);
  let last = 0;
  const report = (stage: LoadStage, file: string, loadedBytes: number, totalBytes: number | null, force = false) => {
    const now = performance.now();
    if (!force && now - last < 50) return; // progress arrives per network chunk; the page needs ~20 updates a second
    last = now;
    job.emit({ stage, file, loadedBytes, totalBytes });
  };
  const read = async (stage: LoadStage, file: string, optional = false) => {
    report(stage, file, 0, null, true);
    return reader.read(file, (p) => report(stage, file, p.loadedBytes, p.totalBytes), optional);
  };
  const cancelled = () => new LoadCancelledError(`Loading "${name}" was cancelled; the model in use is unchanged.`);

  try {
    const configBytes = (await read('config', 'config.json'))!;
    const config = parseJSON(decodeText(configBytes), 'config.json', reader.where);
    configFromHF(config); // a config this model cannot compute is refused before anything large is read
    const tokenizerBytes = (await read('tokenizer', 'tokenizer.json'))!;
    const tokenizer = tokenizerFromJSON(parseJSON(decodeText(tokenizerBytes), 'tokenizer.json', reader.where));
    const trainingBytes = await reader.read('training.json', () => {}, true);
    const training = trainingBytes ? optionalJSON(decodeText(trainingBytes)) : null;
    const weights = (await read('weights', 'model.safetensors'))!;
    performance.mark('load:fetched'); // the page-ready timeline (bench/page-ready.ts)
    if (job.stopped) throw cancelled();
    report('building', 'model.safetensors', weights.byteLength, weights.byteLength, true);
    await yieldToEvents();
    await backend;
    const model = await loadGPT({ config: config as never, weights });
    performance.mark('load:built');
    try {
      if (tokenizer.vocabSize > model.config.vocabSize) {
        throw new InputError(`tokenizer.json has ${tokenizer.vocabSize} tokens but the model only ${model.config.vocabSize}: they do not belong together.`, 'tokenizer-mismatch', {
          tokenizerVocab: tokenizer.vocabSize,
          modelVocab: model.config.vocabSize,
        });
      }
      // The first forward pass compiles shaders (WebGL) or kernels: pay for it now, not on the first click —
      // the cached one-token step a generation runs (on WebGL, the fused decoding programs).
      // Keep the byte count on screen: a busy page may render only this last stage of a fast load.
      report('warming-up', 'model.safetensors', weights.byteLength, weights.byteLength, true);
      await yieldToEvents();
      warmUpDecoding(model);
      performance.mark('load:warm');
      if (job.stopped) throw cancelled(); // superseded: the page asked for another model meanwhile
    } catch (e) {
      model.dispose();
      throw e;
    }
    const num = (k: string) => (typeof training?.[k] === 'number' ? (training[k] as number) : null);
    const info: ModelInfo = {
      slot: 'active',
      name,
      ref,
      from: reader.from(),
      cacheProblem: null,
      weightBytes: weights.byteLength,
      config: model.config,
      parameterCount: model.parameterCount,
      tokenizerKind: tokenizer.kind,
      training: training ? { steps: num('steps'), valLossPerToken: num('val_loss_per_token'), valPerplexity: num('val_perplexity') } : null,
    };
    installModel('active', { model, tokenizer, info });
    info.cacheProblem = await reader.keep({ 'config.json': configBytes, 'tokenizer.json': tokenizerBytes, 'model.safetensors': weights });
    return info;
  } catch (e) {
    if (e instanceof SourceError && e.code === 'aborted') throw cancelled();
    throw e;
  }
}
