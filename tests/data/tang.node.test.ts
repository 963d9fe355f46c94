import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  assembleTang, isRegularCouplet, isRegularPoem, regularPoems, splitTang, tangFilesInOrder, type TangPoem,
} from '../../src/data/tang.ts';

// Hand-made poems in the package's JSON shape (traditional characters, as published).
const fiveCharQuatrain: TangPoem = {
  author: '王之渙', title: '登鸛雀樓',
  paragraphs: ['白日依山盡，黃河入海流。', '欲窮千里目，更上一層樓。'],
};
const sevenCharQuatrain: TangPoem = {
  author: '王翰', title: '涼州詞',
  paragraphs: ['葡萄美酒夜光杯，欲飲琵琶馬上催。', '醉臥沙場君莫笑，古來征戰幾人回。'],
};
const irregularLine: TangPoem = {
  title: '長短句', paragraphs: ['白日依山盡，黃河入海流。', '君不見，黃河之水天上來。'],
};
const halvesDiffer: TangPoem = {
  title: '五七相雜', paragraphs: ['白日依山盡，醉臥沙場君莫笑。'],
};
const missingFullStop: TangPoem = { title: '無句號', paragraphs: ['白日依山盡，黃河入海流'] };
const lostCharacter: TangPoem = { title: '缺字', paragraphs: ['白日依山□，黃河入海流。'] };
const fiveThenSeven: TangPoem = {
  title: '先五後七', paragraphs: ['白日依山盡，黃河入海流。', '葡萄美酒夜光杯，欲飲琵琶馬上催。'],
};

describe('which Tang poems the corpus keeps', () => {
  it('keeps a five-character and a seven-character quatrain', () => {
    expect(isRegularPoem(fiveCharQuatrain)).toBe(true);
    expect(isRegularPoem(sevenCharQuatrain)).toBe(true);
  });

  it('drops a poem with an irregular line, a couplet whose halves differ, a missing 。, a lost character, or no text', () => {
    expect(isRegularPoem(irregularLine)).toBe(false);
    expect(isRegularPoem(halvesDiffer)).toBe(false);
    expect(isRegularPoem(missingFullStop)).toBe(false);
    expect(isRegularPoem(lostCharacter)).toBe(false);
    expect(isRegularPoem({ title: '空', paragraphs: [] })).toBe(false);
    expect(isRegularCouplet('白日依山盡,黃河入海流.')).toBe(false); // ASCII punctuation is not the corpus's
  });

  it('judges each couplet alone, as the reference does: five- then seven-character couplets are kept', () => {
    expect(isRegularPoem(fiveThenSeven)).toBe(true);
  });

  it('keeps the regular poems in their order', () => {
    const poems = [irregularLine, fiveCharQuatrain, halvesDiffer, sevenCharQuatrain, lostCharacter];
    expect(regularPoems(poems)).toEqual([fiveCharQuatrain, sevenCharQuatrain]);
  });

  it('reads the files in numeric order of their suffix, not string order', () => {
    expect(tangFilesInOrder(['poet.tang.10000.json', 'poet.song.0.json', 'poet.tang.2000.json', 'poet.tang.0.json', 'authors.tang.json']))
      .toEqual(['poet.tang.0.json', 'poet.tang.2000.json', 'poet.tang.10000.json']);
  });
});

describe('the corpus text', () => {
  it('is each poem as title, couplets one per line and a newline, poems separated by an empty line', () => {
    expect(assembleTang([fiveCharQuatrain, sevenCharQuatrain])).toBe(
      '登鸛雀樓\n白日依山盡，黃河入海流。\n欲窮千里目，更上一層樓。\n'
      + '\n'
      + '涼州詞\n葡萄美酒夜光杯，欲飲琵琶馬上催。\n醉臥沙場君莫笑，古來征戰幾人回。\n',
    );
  });

  it('splits 90/10 by characters (code points), so a character outside the BMP stays whole', () => {
    const text = '𠀋一二三四五六七八九'; // 10 code points, 11 UTF-16 units
    expect(splitTang(text)).toEqual({ train: '𠀋一二三四五六七八', val: '九' });
    const { train, val } = splitTang(assembleTang([fiveCharQuatrain, sevenCharQuatrain]));
    expect([...train].length).toBe(63); // 31 + 1 + 38 = 70 characters;
    expect(train + val).toBe(assembleTang([fiveCharQuatrain, sevenCharQuatrain]));
  });
});

describe('the shipped excerpt (tests/fixtures/tang-excerpt.txt)', () => {
  const excerpt = fs.readFileSync('tests/fixtures/tang-excerpt.txt', 'utf8');
  const poems: TangPoem[] = excerpt.slice(0, -1).split('\n\n').map((block) => {
    const [title, ...paragraphs] = block.split('\n');
    return { title, paragraphs };
  });

  it('is prepared text: 491 regular poems that assemble back to the same characters', () => {
    expect(poems.length).toBe(491);
    expect(poems.every(isRegularPoem)).toBe(true);
    expect(assembleTang(poems)).toBe(excerpt);
    expect(poems[0].title).toBe('帝京篇十首 一');
    expect(Buffer.byteLength(excerpt)).toBeLessThanOrEqual(100_000);
  });
});
