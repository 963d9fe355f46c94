// Multi-turn SFT measured turn by turn (多轮对话): the labels of one answer of a
// dialogue, the held-out dialogues the SFT job scores that way, and the causal
// reading that makes the first answer's loss in a whole dialogue the same as
// in the first turn alone.

import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../../src/model/config.ts';
import { GPT } from '../../src/model/gpt.ts';
import { tokenizerFromJSON } from '../../src/tokenizer/index.ts';
import { IGNORE_INDEX, exampleLoss, tokenizeConversation, turnLabels, withChatTokens } from '../../src/train/sft.ts';
import { englishInstructions, tangInstructions } from '../../src/train/sftData.ts';
import { useBackend } from '../helpers/backend.ts';

const shakespeare = () => tokenizerFromJSON(JSON.parse(readFileSync('public/models/shakespeare/tokenizer.json', 'utf8')));

describe('turnLabels', () => {
  const { tokenizer } = withChatTokens(shakespeare());
  const dialogue = englishInstructions().heldOutDialogues[0];
  const ex = tokenizeConversation(dialogue, tokenizer, 'answers');
  const counted = (labels: number[]) => tokenizer.decode(ex.ids.filter((_, i) => labels[i] !== IGNORE_INDEX));

  it('counts only the chosen answer and its <|end|>; together the turns count what the answers-only mask counts', () => {
    const first = turnLabels(ex, dialogue, 0).labels;
    const second = turnLabels(ex, dialogue, 1).labels;
    expect(counted(first)).toBe(`${dialogue[1].content}<|end|>`);
    expect(counted(second)).toBe(`${dialogue[3].content}<|end|>`);
    const either = ex.labels.map((_, i) => (first[i] !== IGNORE_INDEX ? first[i] : second[i]));
    expect(either).toEqual(ex.labels);
    expect(turnLabels(ex, dialogue, 2).labels.every((l) => l === IGNORE_INDEX)).toBe(true);
  });
});

describe('the held-out dialogues', () => {
  it('are two-turn, and none of their questions is asked in training, in either language', () => {
    for (const set of [englishInstructions(), tangInstructions()]) {
      expect(set.heldOutDialogues.length).toBeGreaterThanOrEqual(3);
      const trained = new Set(set.train.flatMap((c) => c.filter((m) => m.role === 'user').map((m) => m.content)));
      for (const d of set.heldOutDialogues) {
        expect(d.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
        for (const m of d) if (m.role === 'user') expect(trained.has(m.content), m.content).toBe(false);
      }
    }
  });
});

describe('turn losses on a model', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('the first answer costs the same read alone or inside the whole dialogue (the causal mask), the second differs', () => {
    const { tokenizer, ids } = withChatTokens(shakespeare());
    const model = GPT.create(makeConfig('nano', { vocabSize: tokenizer.vocabSize, blockSize: 96 }), 3);
    const start = tf.memory().numTensors;
    try {
      const dialogues = englishInstructions().heldOutDialogues;
      const whole = dialogues.map((d) => tokenizeConversation(d, tokenizer, 'answers'));
      const alone = dialogues.map((d) => tokenizeConversation(d.slice(0, 2), tokenizer, 'answers'));
      const firstInWhole = exampleLoss(model, whole.map((e, i) => turnLabels(e, dialogues[i], 0)), ids.end);
      const firstAlone = exampleLoss(model, alone, ids.end);
      expect(firstInWhole.tokens).toBe(firstAlone.tokens);
      expect(firstInWhole.loss).toBeCloseTo(firstAlone.loss, 4);
      const second = exampleLoss(model, whole.map((e, i) => turnLabels(e, dialogues[i], 1)), ids.end);
      expect(second.tokens).toBeGreaterThan(0);
      expect(Number.isFinite(second.loss)).toBe(true);
      expect(tf.memory().numTensors).toBe(start);
    } finally {
      model.dispose();
    }
  });
});
