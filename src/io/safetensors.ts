// The safetensors format (https://github.com/huggingface/safetensors#format):
//
//   8 bytes   N, an unsigned little-endian 64-bit integer: the header's length
//   N bytes   a UTF-8 JSON object, starting with '{', maybe padded with spaces:
//             { "__metadata__": { "format": "pt" },
//               "transformer.wte.weight": { "dtype": "F32", "shape": [50257, 768],
//                                           "data_offsets": [0, 154389504] }, ... }
//   the rest  the byte buffer; data_offsets are [begin, end) within it,
//             little-endian, row-major ('C' order)
//
// The buffer must be covered exactly, with no holes or overlaps, so a file
// cannot smuggle a second format inside it. Validation here follows the Rust
// reference implementation (safetensors/src/tensor.rs, `read_metadata` and
// `Metadata::validate`): header length limit, UTF-8, JSON, offsets sorted and
// contiguous from 0, byte length = product(shape) x dtype size, and the last
// tensor ending exactly where the file ends. The writer is in safetensorsWrite.ts.

import { WeightFileError } from './errors.ts';
import { bfloat16ToFloat32Array, float16ToFloat32Array } from './float16.ts';

/** Every dtype the format defines. Only the floating-point ones are weights we can load. */
export type SafetensorsDType =
  | 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'I32' | 'U32' | 'I64' | 'U64'
  | 'F16' | 'BF16' | 'F32' | 'F64' | 'C64'
  | 'F8_E5M2' | 'F8_E4M3' | 'F8_E8M0' | 'F4' | 'F6_E2M3' | 'F6_E3M2';

/** The dtypes this module decodes into float32. */
export type LoadableDType = 'F32' | 'F16' | 'BF16' | 'F64';

/** One tensor as loaded: its dtype in the file, and its values widened to float32. */
export interface TensorRecord {
  dtype: SafetensorsDType;
  shape: number[];
  data: Float32Array;
}

export interface ParsedSafetensors {
  /** Tensors in the order their data appears in the file. */
  tensors: Map<string, TensorRecord>;
  /** The free-form `__metadata__` map (e.g. `{ format: 'pt' }`); empty when absent. */
  metadata: Record<string, string>;
}

export interface ParseSafetensorsOptions {
  /**
   * Largest header accepted, in bytes. The default, 100 MB, is the Rust
   * reference's MAX_HEADER_SIZE: it stops a corrupt length from making us
   * decode and JSON-parse an arbitrarily large string.
   */
  maxHeaderBytes?: number;
  /** Prefixed to error messages, so a learner knows which of several files is broken. */
  fileName?: string;
}

export const DEFAULT_MAX_HEADER_BYTES = 100_000_000;

export const METADATA_KEY = '__metadata__';

const KNOWN_DTYPES: ReadonlySet<string> = new Set<SafetensorsDType>([
  'BOOL', 'U8', 'I8', 'I16', 'U16', 'I32', 'U32', 'I64', 'U64',
  'F16', 'BF16', 'F32', 'F64', 'C64',
  'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2',
]);

export const BYTES_PER_ELEMENT: Record<LoadableDType, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

interface HeaderEntry {
  name: string;
  dtype: LoadableDType;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Reads a safetensors file into float32 tensors, validating it as strictly as
 * the reference implementation. Throws `WeightFileError` with a `code` and a
 * message naming the tensor at fault.
 */
export function parseSafetensors(
  bytes: ArrayBuffer | Uint8Array,
  opts: ParseSafetensorsOptions = {},
): ParsedSafetensors {
  const file = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const fail = failWithPrefix(opts.fileName);
  const maxHeaderBytes = opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;

  if (file.length < 8) {
    throw fail('truncated',
      `The file is ${file.length} bytes long; a safetensors file starts with an 8-byte header length. ` +
      'It is empty or was cut short.');
  }
  const headerLength = readU64LittleEndian(file);
  if (headerLength > maxHeaderBytes) {
    throw fail('header-too-large',
      `The header claims to be ${formatBytes(headerLength)}, over the ${formatBytes(maxHeaderBytes)} limit. ` +
      notSafetensorsHint(file));
  }
  const dataStart = 8 + headerLength;
  if (dataStart > file.length) {
    throw fail('truncated',
      `The header claims ${headerLength} bytes but only ${file.length - 8} follow the length field: ` +
      'the file was cut short (an interrupted download?).');
  }

  const { entries, metadata } = readHeader(file.subarray(8, dataStart), fail);
  const dataLength = file.length - dataStart;
  validateLayout(entries, dataLength, fail);

  const tensors = new Map<string, TensorRecord>();
  for (const entry of entries) {
    const raw = file.subarray(dataStart + entry.begin, dataStart + entry.end);
    tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape, data: decodeToFloat32(raw, entry.dtype) });
  }
  return { tensors, metadata };
}

type Fail = (code: WeightFileError['code'], message: string, tensorName?: string) => WeightFileError;

function failWithPrefix(fileName: string | undefined): Fail {
  const prefix = fileName ? `${fileName}: ` : '';
  return (code, message, tensorName) => new WeightFileError(code, prefix + message, tensorName);
}

function readU64LittleEndian(file: Uint8Array): number {
  const view = new DataView(file.buffer, file.byteOffset, 8);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  // Beyond 2^53 the number is inexact, but it is then far over any limit anyway.
  return high * 2 ** 32 + low;
}

/** A hint for the commonest wrong file: a web page or JSON saved under the .safetensors name. */
function notSafetensorsHint(file: Uint8Array): string {
  const first = file[0];
  if (first === 0x3c /* < */) return 'The file starts with "<": it looks like an HTML page, not a safetensors file.';
  if (first === 0x7b /* { */) return 'The file starts with "{": it looks like a JSON file, not a safetensors file.';
  return 'The file is probably not a safetensors file, or is corrupt.';
}

function readHeader(
  headerBytes: Uint8Array,
  fail: Fail,
): { entries: HeaderEntry[]; metadata: Record<string, string> } {
  let headerText: string;
  try {
    headerText = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw fail('bad-header', 'The header is not valid UTF-8 text: the file is corrupt or not a safetensors file.');
  }
  // The spec requires the first byte to be '{'; this also rejects a BOM or
  // leading whitespace that JSON.parse would quietly accept.
  if (!headerText.startsWith('{')) {
    throw fail('bad-header', `The header must start with "{" but starts with ${JSON.stringify(headerText.slice(0, 20))}.`);
  }
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (error) {
    throw fail('bad-header', `The header is not valid JSON (${(error as Error).message}).`);
  }
  if (!isPlainObject(header)) {
    throw fail('bad-header', 'The header must be a JSON object mapping tensor names to {dtype, shape, data_offsets}.');
  }

  // JSON.parse keeps only the last of duplicate keys (which the spec forbids).
  // The dropped tensor's bytes then form a hole, which validateLayout reports.
  const entries: HeaderEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      metadata = readMetadata(value, fail);
    } else {
      entries.push(readEntry(name, value, fail));
    }
  }
  return { entries, metadata };
}

function readMetadata(value: unknown, fail: Fail): Record<string, string> {
  if (value === null) return {};
  if (!isPlainObject(value)) {
    throw fail('bad-header', `"${METADATA_KEY}" must be an object of string values.`);
  }
  const metadata: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw fail('bad-header', `"${METADATA_KEY}" value "${key}" must be a string, got ${JSON.stringify(item)}.`);
    }
    metadata[key] = item;
  }
  return metadata;
}

function readEntry(name: string, value: unknown, fail: Fail): HeaderEntry {
  const where = `Tensor "${name}"`;
  if (!isPlainObject(value)) {
    throw fail('bad-header', `${where}: expected {dtype, shape, data_offsets}, got ${JSON.stringify(value)}.`, name);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (dtype === undefined || shape === undefined || offsets === undefined) {
    const missing = ['dtype', 'shape', 'data_offsets'].filter((field) => value[field] === undefined);
    throw fail('bad-header', `${where} is missing ${missing.join(', ')}.`, name);
  }
  if (typeof dtype !== 'string' || !KNOWN_DTYPES.has(dtype)) {
    throw fail('unsupported-dtype', `${where} has unknown dtype ${JSON.stringify(dtype)}.`, name);
  }
  if (!(dtype in BYTES_PER_ELEMENT)) {
    throw fail('unsupported-dtype',
      `${where} has dtype ${dtype}, which cannot be loaded as floating-point weights ` +
      `(supported: ${Object.keys(BYTES_PER_ELEMENT).join(', ')}). Quantised checkpoints need dequantising first.`,
      name);
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    throw fail('bad-header', `${where} has shape ${JSON.stringify(shape)}; expected a list of non-negative integers.`, name);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    throw fail('bad-header',
      `${where} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] as non-negative integers.`, name);
  }
  return { name, dtype: dtype as LoadableDType, shape: shape as number[], begin: offsets[0], end: offsets[1] };
}

/**
 * Tensors sorted by offset must tile the byte buffer exactly: each begins where
 * the previous ended, each spans product(shape) x dtype size bytes, and the last
 * ends at the end of the file (Rust `Metadata::validate`). Sorting is stable on
 * (begin, end) so empty tensors sharing an offset come first, as in Rust.
 */
function validateLayout(entries: HeaderEntry[], dataLength: number, fail: Fail): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expectedBegin = 0;
  let previous: HeaderEntry | null = null;
  for (const entry of entries) {
    const where = `Tensor "${entry.name}"`;
    if (entry.end < entry.begin) {
      throw fail('bad-offsets', `${where} has data_offsets [${entry.begin}, ${entry.end}]: end is before begin.`, entry.name);
    }
    if (entry.begin < expectedBegin) {
      throw fail('bad-offsets',
        `${where} starts at byte ${entry.begin}, inside tensor "${previous!.name}" (bytes ${previous!.begin}-${previous!.end}): ` +
        'tensors must not overlap.', entry.name);
    }
    if (entry.begin > expectedBegin) {
      const after = previous ? `after tensor "${previous.name}"` : 'at the start of the data';
      throw fail('bad-offsets',
        `${where} starts at byte ${entry.begin}, leaving ${entry.begin - expectedBegin} bytes ${after} that no tensor claims: ` +
        'the data must be covered without holes.', entry.name);
    }
    const elementCount = checkedElementCount(entry.shape);
    const expectedBytes = elementCount === null ? null : elementCount * BYTES_PER_ELEMENT[entry.dtype];
    if (expectedBytes === null || !Number.isSafeInteger(expectedBytes) || expectedBytes !== entry.end - entry.begin) {
      throw fail('shape-mismatch',
        `${where} is ${entry.dtype} with shape [${entry.shape.join(', ')}], which needs ` +
        `${expectedBytes ?? 'too many'} bytes, but its data_offsets span ${entry.end - entry.begin}.`, entry.name);
    }
    expectedBegin = entry.end;
    previous = entry;
  }
  if (expectedBegin > dataLength) {
    // Offsets that tile consistently but run past the end mean the file is
    // shorter than its own header says.
    const last = previous!;
    throw fail('truncated',
      `Tensor "${last.name}" needs data up to byte ${last.end} but the data section has only ${dataLength} bytes: ` +
      'the file was cut short (an interrupted download?).', last.name);
  }
  if (expectedBegin < dataLength) {
    throw fail('bad-offsets',
      `${dataLength - expectedBegin} bytes follow the last tensor's data that no tensor claims; ` +
      'the format forbids unindexed bytes.');
  }
}

/** product(shape), or null if it would exceed 2^53 (the Rust `ValidationOverflow`). Scalars have shape []. */
export function checkedElementCount(shape: number[]): number | null {
  let count = 1;
  for (const dim of shape) {
    count *= dim;
    if (!Number.isSafeInteger(count)) return null;
  }
  return count;
}

/**
 * Copies a tensor's bytes out of the file and widens them to float32.
 * `slice()` copies into a fresh, aligned ArrayBuffer: typed-array views need
 * their offset to be a multiple of the element size, which a tensor following
 * an odd-length F16 tensor does not have. Typed arrays read in the host's byte
 * order; like TF.js's own weight loader (tf.io.decodeWeights) we assume a
 * little-endian host, which every platform browsers run on is.
 */
function decodeToFloat32(raw: Uint8Array, dtype: LoadableDType): Float32Array {
  const aligned = raw.slice().buffer;
  switch (dtype) {
    case 'F32':
      return new Float32Array(aligned);
    case 'F64':
      return Float32Array.from(new Float64Array(aligned));
    case 'F16':
      return float16ToFloat32Array(new Uint16Array(aligned));
    case 'BF16':
      return bfloat16ToFloat32Array(new Uint16Array(aligned));
  }
}

export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const l = left.next();
    const r = right.next();
    if (l.done || r.done) return (l.done ? 0 : 1) - (r.done ? 0 : 1);
    const difference = l.value.codePointAt(0)! - r.value.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function formatBytes(byteCount: number): string {
  if (byteCount >= 1e9) return `${(byteCount / 1e9).toPrecision(3)} GB`;
  if (byteCount >= 1e6) return `${(byteCount / 1e6).toPrecision(3)} MB`;
  if (byteCount >= 1e3) return `${(byteCount / 1e3).toPrecision(3)} kB`;
  return `${byteCount} bytes`;
}
