// Field codecs for the URL state: each turns one hash value into a setting
// (clamping what is merely out of range, rejecting what is not a value at
// all) and back. Pure functions: no DOM, no module state.

import { type LinkProblem, linkProblem } from './linkProblems.ts';
import { formatModelRef, parseModelRef } from './modelRef.ts';

/** The outcome of reading one setting from a link. */
export type Parsed<T> =
  | { ok: true; value: T; /** Set when the value was adjusted (clamped, rounded, trimmed). */ note?: LinkProblem }
  | { ok: false; problem: LinkProblem };

export interface Field<T> {
  /** The name in the URL hash (`#top_k=40`). */
  key: string;
  default: T;
  /** One line for people reading a link or a settings list. */
  describe: string;
  parse(raw: string): Parsed<T>;
  format(value: T): string;
  /** Brings a value set in the page into range (the same rules a link gets). */
  clamp(value: T): T;
}

interface NumberSpec {
  key: string;
  default: number;
  min: number;
  max: number;
  describe: string;
}

function clampNumber(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

function numberField(spec: NumberSpec, integer: boolean): Field<number> {
  const clamp = (v: number) => {
    const r = integer ? Math.round(v) : v;
    return clampNumber(Number.isFinite(r) ? r : spec.default, spec.min, spec.max);
  };
  return {
    key: spec.key,
    default: spec.default,
    describe: spec.describe,
    clamp,
    format: (v) => String(v),
    parse(raw) {
      const text = raw.trim();
      // Number('') is 0 and Number('0x10') is 16; a link should say what it means.
      if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) {
        const params = { key: spec.key, value: JSON.stringify(raw), fallback: String(spec.default) };
        return { ok: false, problem: linkProblem(integer ? 'not-a-whole-number' : 'not-a-number', params) };
      }
      const value = Number(text);
      const clamped = clamp(value);
      if (clamped === value) return { ok: true, value };
      const [key, used] = [spec.key, String(clamped)];
      const note =
        value < spec.min ? linkProblem('below-minimum', { key, value: text, min: String(spec.min), used })
        : value > spec.max ? linkProblem('above-maximum', { key, value: text, max: String(spec.max), used })
        : linkProblem('rounded', { key, value: text, used });
      return { ok: true, value: clamped, note };
    },
  };
}

export const intField = (spec: NumberSpec) => numberField(spec, true);
export const floatField = (spec: NumberSpec) => numberField(spec, false);

/**
 * `auto`, or a whole number in [min, max] (read and clamped as intField reads
 * them): a count the device chooses unless the link fixes it.
 */
export function autoIntField(spec: Omit<NumberSpec, 'default'>): Field<'auto' | number> {
  const whole = intField({ ...spec, default: spec.min });
  return {
    key: spec.key,
    default: 'auto',
    describe: spec.describe,
    clamp: (v) => (v === 'auto' ? v : whole.clamp(v)),
    format: (v) => String(v),
    parse(raw) {
      if (raw.trim() === 'auto') return { ok: true, value: 'auto' };
      const parsed = whole.parse(raw);
      if (parsed.ok) return parsed;
      return { ok: false, problem: linkProblem('not-a-whole-number', { key: spec.key, value: JSON.stringify(raw), fallback: 'auto' }) };
    },
  };
}

export function enumField<T extends string>(spec: { key: string; default: T; values: readonly T[]; describe: string }): Field<T> {
  const allowed = new Set<string>(spec.values);
  return {
    key: spec.key,
    default: spec.default,
    describe: spec.describe,
    clamp: (v) => (allowed.has(v) ? v : spec.default),
    format: (v) => v,
    parse(raw) {
      if (allowed.has(raw)) return { ok: true, value: raw as T };
      const params = { key: spec.key, value: JSON.stringify(raw), allowed: spec.values.join(', '), fallback: spec.default };
      return { ok: false, problem: linkProblem('not-one-of', params) };
    },
  };
}

export function textField(spec: { key: string; default: string; maxLength: number; describe: string }): Field<string> {
  const clamp = (v: string) => (v.length > spec.maxLength ? v.slice(0, spec.maxLength) : v);
  return {
    key: spec.key,
    default: spec.default,
    describe: spec.describe,
    clamp,
    format: (v) => v,
    parse(raw) {
      if (raw.length <= spec.maxLength) return { ok: true, value: raw };
      return { ok: true, value: clamp(raw), note: linkProblem('too-long', { key: spec.key, length: raw.length, maxLength: spec.maxLength }) };
    },
  };
}

/**
 * The model a link names: an embedded model's name, the http(s) address of a
 * model folder, or `stored:<id>` for one kept in this browser (src/state/modelRef.ts).
 * The value is kept in its normal form (a folder address ends in "/").
 */
export function modelField(spec: { key: string; default: string; describe: string }): Field<string> {
  const normal = (v: string) => {
    const parsed = parseModelRef(v);
    return parsed.ok ? formatModelRef(parsed.ref) : null;
  };
  return {
    key: spec.key,
    default: spec.default,
    describe: spec.describe,
    clamp: (v) => normal(v) ?? spec.default,
    format: (v) => v,
    parse(raw) {
      const parsed = parseModelRef(raw);
      if (!parsed.ok) {
        // parseModelRef fails in two ways: an http(s) address that is not a URL, or anything else that names no model.
        const params = { key: spec.key, value: JSON.stringify(raw.slice(0, 80)), fallback: spec.default };
        return { ok: false, problem: linkProblem(/^https?:\/\//i.test(raw.trim()) ? 'bad-address' : 'no-such-model', params) };
      }
      const value = formatModelRef(parsed.ref);
      return { ok: true, value, note: parsed.note === undefined ? undefined : linkProblem('model-folder', { key: spec.key, url: value }) };
    },
  };
}
