import { describe, expect, it } from 'vitest';
import {
  type DecodingSetting,
  type PublishedDecoding,
  type SweepStrategyRef,
  MEASURES,
  PAPERS,
  PUBLISHED_ROWS,
  publishedFor,
} from '../../src/lessons/published.ts';
import { BEAM_WIDTHS, SWEEP_STRATEGIES } from '../../src/sampling/sweep.ts';
import { DEFAULT_SAMPLING, type SamplingSettings } from '../../src/sampling/settings.ts';
import en from '../../src/i18n/locales/en/sampling.ts';
import zh from '../../src/i18n/locales/zh/sampling.ts';

const SETTINGS: readonly DecodingSetting[] = ['num_beams', 'top_k', 'top_p', 'temperature'];

/** The settings the sweep decodes a row with: a strategy's own, or plain beam search for a width. */
function sweepSettings(ref: SweepStrategyRef): SamplingSettings | undefined {
  if (ref.sweep === 'strategies') return SWEEP_STRATEGIES.find((s) => s.label === ref.label)?.settings;
  return (BEAM_WIDTHS as readonly number[]).includes(ref.numBeams) ? { ...DEFAULT_SAMPLING, do_sample: false, num_beams: ref.numBeams } : undefined;
}

/** A paper's decoding as the sweep would write it: every setting it does not name is off. */
function asSettings(d: PublishedDecoding): SamplingSettings {
  return { ...DEFAULT_SAMPLING, ...d };
}

/** The settings in which two decodings differ (temperature and the filters only count when sampling). */
function differences(a: SamplingSettings, b: SamplingSettings): string[] {
  const keys = Object.keys(DEFAULT_SAMPLING) as (keyof SamplingSettings)[];
  const sampled = a.do_sample && b.do_sample;
  return keys.filter((k) => a[k] !== b[k] && (sampled || !['temperature', 'top_k', 'top_p'].includes(k)));
}

const allRefs: SweepStrategyRef[] = [
  ...SWEEP_STRATEGIES.map((s) => ({ sweep: 'strategies', label: s.label }) as const),
  ...BEAM_WIDTHS.map((n) => ({ sweep: 'widths', numBeams: n }) as const),
];

describe('published repetition figures', () => {
  it('holds every row of Holtzman et al. Table 1 and greedy and beam search for each of Welleck et al.’s objectives', () => {
    const holtzman = PUBLISHED_ROWS.filter((r) => r.paper === 'holtzman2020').map((r) => r.row);
    expect(holtzman).toEqual([
      'Human', 'Greedy', 'Beam, b=16', 'Stochastic Beam, b=16', 'Pure Sampling', 'Sampling, t=0.9',
      'Top-k=40', 'Top-k=640', 'Top-k=40, t=0.7', 'Nucleus p=0.95',
    ]);
    const welleck = PUBLISHED_ROWS.filter((r) => r.paper === 'welleck2020');
    for (const training of ['MLE', 'UL-token', 'UL-seq', 'UL-token+seq'] as const) {
      const rows = welleck.filter((r) => r.training === training);
      expect(rows.some((r) => r.decoding?.do_sample === false && (r.decoding.num_beams ?? 1) === 1)).toBe(true);
      expect(rows.some((r) => r.decoding?.do_sample === false && r.decoding.num_beams === 10)).toBe(true);
      for (const r of rows) expect(r.values.seqRep4).toBeDefined();
    }
    // Every Holtzman row has the four columns printed for all; HUSE only for the sampled ones.
    for (const r of PUBLISHED_ROWS.filter((x) => x.paper === 'holtzman2020')) {
      for (const m of ['perplexity', 'selfBleu4', 'zipf', 'repetitionPercent'] as const) expect(r.values[m]).toBeDefined();
    }
  });

  it("defines each measure in its paper's terms, and every value lies in its measure's range", () => {
    for (const m of Object.values(MEASURES)) {
      expect(m.name.length).toBeGreaterThan(0);
      expect(m.definition.length).toBeGreaterThan(20);
      expect(m.comparability.length).toBeGreaterThan(10);
      expect(PAPERS[m.paper]).toBeDefined();
      // A measure set beside the sweep's lands in the sweep's units, a share in [0, 1].
      if (m.ours) expect([m.range[0] * m.toOurs, (m.range[1] ?? Infinity) * m.toOurs]).toEqual([0, 1]);
    }
    for (const r of PUBLISHED_ROWS) {
      expect(Object.keys(r.values).length).toBeGreaterThan(0);
      for (const [id, v] of Object.entries(r.values)) {
        const m = MEASURES[id as keyof typeof MEASURES];
        expect(m, `${r.row}: ${id}`).toBeDefined();
        expect(m.paper).toBe(r.paper);
        expect(v).toBeGreaterThanOrEqual(m.range[0]);
        if (m.range[1] !== null) expect(v).toBeLessThanOrEqual(m.range[1]);
      }
    }
    // Holtzman's Repetition % is ours as a share; Welleck's seq-rep-4 is ours as is.
    expect(MEASURES.repetitionPercent.ours).toBe('loopShare');
    expect(MEASURES.repetitionPercent.toOurs).toBe(0.01);
    expect(MEASURES.seqRep4.ours).toBe('seqRep4');
  });

  it('maps each row onto a strategy the sweep runs, with the same settings, one named setting apart, or says why not', () => {
    for (const r of PUBLISHED_ROWS) {
      const c = r.correspondence;
      if (c.match === 'none') {
        if (r.decoding === null) expect(c.why).toBe('human text');
        else if (r.training !== 'MLE') expect(c.why).toBe('training objective');
        else {
          // "Not in the sweep" must be true: no strategy or width decodes with these settings.
          expect(c.why).toBe('not in the sweep');
          for (const ref of allRefs) expect(differences(sweepSettings(ref)!, asSettings(r.decoding)), `${r.row} vs ${JSON.stringify(ref)}`).not.toEqual([]);
        }
        continue;
      }
      // The sweep's model is trained by likelihood, so only likelihood-trained figures stand beside it.
      expect(r.training).toBe('MLE');
      const refs = c.match === 'same' ? c.ours : [c.ours];
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) {
        const ours = sweepSettings(ref);
        expect(ours, `${r.row} → ${JSON.stringify(ref)}`).toBeDefined();
        const diff = differences(ours!, asSettings(r.decoding!));
        if (c.match === 'same') expect(diff, r.row).toEqual([]);
        else expect(diff.sort(), r.row).toEqual([...c.differs].sort());
      }
      if (c.match === 'near') for (const k of c.differs) expect(SETTINGS).toContain(k);
    }
  });

  it('gives each strategy at most one figure per measure and paper, in the sweep’s units', () => {
    for (const ref of allRefs) {
      for (const measure of ['seqRep4', 'loopShare'] as const) {
        const marks = publishedFor(measure, ref);
        const papers = marks.map((m) => m.row.paper);
        expect(new Set(papers).size).toBe(papers.length);
        for (const m of marks) {
          expect(m.value).toBeGreaterThanOrEqual(0);
          expect(m.value).toBeLessThanOrEqual(1);
        }
      }
    }
    const greedy = { sweep: 'strategies', label: 'greedy' } as const;
    const loop = publishedFor('loopShare', greedy);
    expect(loop.map((m) => [m.row.row, m.printed, m.match])).toEqual([['Greedy', 73.66, 'same']]);
    expect(loop[0].value).toBeCloseTo(0.7366, 12);
    expect(publishedFor('seqRep4', greedy).map((m) => [m.row.row, m.value])).toEqual([['MLE, greedy', 0.442]]);
    const beam16 = publishedFor('loopShare', { sweep: 'widths', numBeams: 16 });
    expect(beam16).toHaveLength(1);
    expect(beam16[0].value).toBeCloseTo(0.2894, 12);
    // Welleck et al.'s beam search used ten beams: beside beam 4 as a near match, naming the setting.
    expect(publishedFor('seqRep4', { sweep: 'strategies', label: 'beam 4' }).map((m) => [m.value, m.match, m.differs])).toEqual([[0.523, 'near', ['num_beams']]]);
    // A strategy no paper measured has none.
    expect(publishedFor('seqRep4', { sweep: 'strategies', label: 'contrastive 0.6/4' })).toEqual([]);
  });

  it('has a footnote for each paper and a phrase for each setting a near match can differ in, in both languages', () => {
    for (const id of Object.keys(PAPERS) as (keyof typeof PAPERS)[]) {
      expect(en.sweep.notes[id].length).toBeGreaterThan(40);
      expect(zh.sweep.notes[id].length).toBeGreaterThan(20);
    }
    for (const k of SETTINGS) {
      expect(en.sweep.settings[k]).toContain('{{value}}');
      expect(zh.sweep.settings[k]).toContain('{{value}}');
    }
  });
});
