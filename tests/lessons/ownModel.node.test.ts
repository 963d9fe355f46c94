// The "train your own model" lesson's sample measure: the share of a sample's
// words that are words of the training text (the lesson's claims themselves run
// in walkClaims.node.test.ts on the real training job).

import { describe, expect, it } from 'vitest';
import { knownWordShare, wordsOf } from '../../src/panels/lessons/ownModelMeasures.ts';

describe('knownWordShare', () => {
  const words = new Set(wordsOf("GREMIO:\nGood morrow, neighbour Baptista.\nCall'd Katharina, fair and virtuous?"));

  it('reads words case-blind, with inner apostrophes, and ignores punctuation and line breaks', () => {
    expect(wordsOf("Call'd KATHARINA,\nfair!")).toEqual(["call'd", 'katharina', 'fair']);
    expect(knownWordShare('good morrow, GOOD neighbour', words)).toBe(1);
  });

  it('counts the share of known words, and gives 0 for a sample with no words at all', () => {
    expect(knownWordShare('good xqzv morrow zzzz', words)).toBe(0.5);
    expect(knownWordShare('\n\n  ,,, ::', words)).toBe(0);
    expect(knownWordShare('eeeeeeeeeeee', words)).toBe(0);
  });
});
