// Every lesson's claims, measured as the page measures them: the same measure
// code (src/panels/lessons/measures.ts) calling the worker's handlers on the
// embedded models. A lesson whose claim stops being true on the model fails here.

import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, ModelInfo } from '../../src/engine/protocol.ts';
import { type Handler, initBackend, installModel, models } from '../../src/engine/runtime.ts';
import { countTokensHandler } from '../../src/engine/handlers/tokens.ts';
import { train } from '../../src/engine/handlers/train.ts';
import { samplingHandlers } from '../../src/engine/handlers/sampling.ts';
import { attentionHandlers } from '../../src/engine/handlers/attention.ts';
import { loraHandlers } from '../../src/engine/handlers/lora.ts';
import { vocabHandlers } from '../../src/engine/handlers/vocab.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { countParameters } from '../../src/model/config.ts';
import { tokenizerFromJSON } from '../../src/tokenizer/index.ts';
import { type EngineCall, measure } from '../../src/panels/lessons/measures.ts';
import { LESSONS } from '../../src/walks/catalog.ts';
import { stepState } from '../../src/walks/links.ts';
import { claimHolds } from '../../src/walks/types.ts';
import { useBackend } from '../helpers/backend.ts';

const handlers = { countTokens: countTokensHandler, train, ...samplingHandlers, ...attentionHandlers, ...loraHandlers, ...vocabHandlers } as Partial<Record<MethodName, Handler<MethodName>>>;
const call: EngineCall = (method, params, onEvent) => {
  const job = { emit: (event: unknown) => onEvent?.(event as never), stopped: false, signal: new AbortController().signal };
  return (handlers[method] as unknown as Handler<typeof method>)(params, job as never);
};

/** Puts an embedded model (public/models/<name>) in the active slot, as loading it in the page does. */
async function install(name: string): Promise<void> {
  if (models.get('active')?.info.ref === name) return;
  const dir = `public/models/${name}/`;
  const model = await loadGPT({ config: dir + 'config.json', weights: dir + 'model.safetensors' });
  const tokenizer = tokenizerFromJSON(JSON.parse(readFileSync(dir + 'tokenizer.json', 'utf8')));
  const info: ModelInfo = {
    slot: 'active', name, ref: name, from: 'network', cacheProblem: null, weightBytes: 0, config: model.config,
    parameterCount: countParameters(model.config), tokenizerKind: tokenizer.kind, training: null,
  };
  installModel('active', { model, tokenizer, info });
}

/**
 * public/ over http, as the page is served: the LoRA steps read the model folder's
 * original-sample.txt (the text whose loss shows forgetting) from there, as in the page.
 */
let server: http.Server;
let baseUrl = '';
function serve(): Promise<void> {
  server = http.createServer((req, res) => {
    try {
      const body = readFileSync('public' + decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      res.writeHead(200).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    resolve();
  }));
}

describe('each lesson claims only what its measurements show on the embedded models', () => {
  beforeAll(async () => {
    // wasm first (its binaries from node_modules), then the engine's own start, which finds it running.
    await useBackend('wasm');
    await initBackend('wasm');
    await serve();
  });
  afterAll(() => {
    server.close();
    models.get('active')?.model.dispose();
    models.delete('active');
  });

  // WALK_LESSONS=sft,vocabulary runs only those lessons (each takes up to minutes on two cores).
  const only = process.env.WALK_LESSONS?.split(',').map((s) => s.trim()).filter(Boolean);
  // WALK_SEED=7 measures every step with another seed: a claim should not hold for one seed only.
  const seed = process.env.WALK_SEED ? Number(process.env.WALK_SEED) : null;
  for (const lesson of LESSONS.filter((l) => !only?.length || only.includes(l.id))) {
    it(`${lesson.id}: ${lesson.claims.length} claims hold`, async () => {
      const values: number[] = [];
      for (const step of lesson.steps) {
        const state = seed === null ? stepState(step) : { ...stepState(step), seed };
        await install(state.model);
        values.push(await measure(step.measure, state, call, `${baseUrl}/models/${state.model}/`));
      }
      console.info(`${lesson.id}: ${values.map((v, i) => `${i + 1}) ${lesson.steps[i].measure} ${v}`).join('; ')}`);
      for (const claim of lesson.claims) expect(claimHolds(claim, values), `${JSON.stringify(claim)} with ${values.join(', ')}`).toBe(true);
    }, 300_000); // a lesson that trains (LoRA, the comparison) takes a minute or more on a loaded 2-core machine
  }
});
