import { describe, expect, it } from 'vitest';
import { type SongCi, assembleSongci, ciText, inTangPunctuation, isCleanCi, songciExcerpt, songciFilesInOrder } from '../../src/data/songci.ts';

// Ci in the package's JSON shape (dist/songci is published in simplified characters).
const rainBell: SongCi = {
  author: '柳永', rhythmic: '雨霖铃',
  paragraphs: ['寒蝉凄切。对长亭晚，骤雨初歇。', '都门帐饮无绪，留恋处、兰舟催发。'],
};
const fisherman: SongCi = { author: '范仲淹', rhythmic: '渔家傲', paragraphs: ['塞下秋来风景异。衡阳雁去无留意。'] };
const twoNames: SongCi = { author: '和岘', rhythmic: '十二时・忆少年', paragraphs: ['承宝运，驯致隆平。'] };
const lostCharacter: SongCi = { author: '范仲淹', rhythmic: '定风波', paragraphs: ['浦映□花花映浦。无尽处。'] };
const phonetic: SongCi = { author: '柳永', rhythmic: '传花枝', paragraphs: ['解刷扮，能ㄋ嗽，表里都峭。'] };

describe('Song ci as text', () => {
  it('lays a ci out as the Tang poems are: tune name, one line per paragraph, a final newline', () => {
    expect(ciText(fisherman)).toBe('渔家傲\n塞下秋来风景异。衡阳雁去无留意。\n');
    expect(ciText(rainBell)).toBe('雨霖铃\n寒蝉凄切。对长亭晚，骤雨初歇。\n都门帐饮无绪，留恋处、兰舟催发。\n');
  });

  it('separates two ci by an empty line', () => {
    expect(assembleSongci([fisherman, twoNames])).toBe('渔家傲\n塞下秋来风景异。衡阳雁去无留意。\n\n十二时・忆少年\n承宝运，驯致隆平。\n');
  });

  it("writes a ci in the Tang vocabulary's punctuation: 、 becomes ， and a tune keeps the first of its two names", () => {
    expect(ciText(inTangPunctuation(rainBell))).toBe('雨霖铃\n寒蝉凄切。对长亭晚，骤雨初歇。\n都门帐饮无绪，留恋处，兰舟催发。\n');
    expect(inTangPunctuation(twoNames)).toEqual({ ...twoNames, rhythmic: '十二时' });
    expect(inTangPunctuation(fisherman)).toEqual(fisherman);
  });
});

describe('which ci the excerpt keeps', () => {
  it('keeps whole, plain ci, a tune with two names included', () => {
    expect(isCleanCi(rainBell)).toBe(true);
    expect(isCleanCi(twoNames)).toBe(true);
  });

  it('leaves out a ci with a lost character (□), a stray phonetic symbol, or no lines', () => {
    expect(isCleanCi(lostCharacter)).toBe(false);
    expect(isCleanCi(phonetic)).toBe(false);
    expect(isCleanCi({ rhythmic: '空', paragraphs: [] })).toBe(false);
  });

  it('takes clean ci in order, whole, until the next would pass the limit', () => {
    const all = [fisherman, lostCharacter, rainBell, twoNames, fisherman];
    const twoLength = [...assembleSongci([fisherman, rainBell])].length;
    expect(songciExcerpt(all, twoLength)).toEqual([fisherman, rainBell]);
    expect(songciExcerpt(all, twoLength - 1)).toEqual([fisherman]);
    expect(songciExcerpt(all, 1_000_000)).toEqual([fisherman, rainBell, twoNames, fisherman]);
    expect(songciExcerpt(all, 3)).toEqual([]);
  });

  it('reads the ci files in numeric order, leaving out the authors and the 2019 additions', () => {
    const names = ['ci.song.10000.json', 'author.song.json', 'ci.song.2000.json', 'ci.song.2019y.json', 'ci.song.0.json', '宋词三百首.json'];
    expect(songciFilesInOrder(names)).toEqual(['ci.song.0.json', 'ci.song.2000.json', 'ci.song.10000.json']);
  });
});
