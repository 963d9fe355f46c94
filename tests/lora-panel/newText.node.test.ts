// The LoRA default new text per model: a folder's new-text.txt (the Tang model's
// Song ci) when it ships one, the playground's explanations otherwise; what the
// panel is shown is what a run trains on.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobContext, initBackend, installModel, models } from '../../src/engine/runtime.ts';
import { chooseDefaultNewText, loraDefaultText } from '../../src/engine/handlers/lora/newText.ts';
import { loraTrain } from '../../src/engine/handlers/lora/train.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { CharTokenizer } from '../../src/tokenizer/index.ts';
import { explanationsAsText } from '../../src/lessons/explanations.ts';
import { DEFAULT_LORA } from '../../src/lora/config.ts';

const SONGCI = Array.from({ length: 40 }, (_, i) =>
  ['渔家傲\n塞下秋来风景异。衡阳雁去无留意。\n', '雨霖铃\n寒蝉凄切。对长亭晚，骤雨初歇。\n'][i % 2]).join('\n');
const tokenizer = CharTokenizer.fromText(explanationsAsText() + SONGCI);

/** /tang/ ships new-text.txt; every other path answers with the app's page, as `vite preview` does. */
function serveFolders(): Promise<{ url: string; requests: string[]; close: () => void }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/tang/new-text.txt') res.end(SONGCI);
    else res.end('<!doctype html><html><body>the app</body></html>');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => server.close() });
    });
  });
}

function install(): void {
  const model = GPT.create(makeConfig('nano', { vocabSize: tokenizer.vocabSize, blockSize: 32 }), 1);
  installModel('active', {
    model,
    tokenizer,
    info: { slot: 'active', name: 'nano', ref: 'nano', from: 'browser', cacheProblem: null, weightBytes: 0, config: model.config, parameterCount: model.parameterCount, tokenizerKind: 'char', training: null },
  });
}

/** A call's context as the worker gives it, never stopped. */
const job = <E>(): JobContext<E> => ({ emit: () => {}, stopped: false, signal: new AbortController().signal });
const noEvents = job<never>();

describe('choosing the default new text', () => {
  it("takes the folder's text when it has any, else the explanations", () => {
    expect(chooseDefaultNewText(SONGCI)).toEqual({ source: 'folder', text: SONGCI });
    expect(chooseDefaultNewText(null)).toEqual({ source: 'explanations', text: explanationsAsText() });
    expect(chooseDefaultNewText(' \n')).toEqual({ source: 'explanations', text: explanationsAsText() });
  });
});

describe('the default new text in the engine', () => {
  let folders: Awaited<ReturnType<typeof serveFolders>>;

  beforeAll(async () => {
    await initBackend('cpu');
    folders = await serveFolders();
  });

  afterAll(() => {
    folders?.close();
    models.get('active')?.model.dispose();
    models.clear();
  });

  it("is the folder's new-text.txt for a model that ships one, read once, and a run on 'default' trains on it", async () => {
    install();
    const modelBaseUrl = `${folders.url}/tang/`;
    expect(await loraDefaultText({ modelBaseUrl }, noEvents)).toEqual({ source: 'folder', text: SONGCI });
    expect(await loraDefaultText({ modelBaseUrl }, noEvents)).toEqual({ source: 'folder', text: SONGCI });
    expect(folders.requests.filter((r) => r === '/tang/new-text.txt')).toHaveLength(1);
    const { data } = await loraTrain(
      { adapterId: null, config: DEFAULT_LORA, source: { kind: 'default' }, steps: 2, learningRate: 1e-3, mixOriginal: 0, qlora: false, seed: 1, modelBaseUrl },
      job(),
    );
    expect(data.newTextCharacters).toBe(SONGCI.length);
  });

  it('is the explanations for a folder without new-text.txt (the server answers with its page) and for a model without a folder', async () => {
    install();
    expect(await loraDefaultText({ modelBaseUrl: `${folders.url}/shakespeare/` }, noEvents)).toEqual({ source: 'explanations', text: explanationsAsText() });
    install();
    expect(await loraDefaultText({ modelBaseUrl: null }, noEvents)).toEqual({ source: 'explanations', text: explanationsAsText() });
  });
});
