// Writing the safetensors format (the layout is described in safetensors.ts,
// which reads it): what the Python and Rust libraries read back.

import { WeightFileError } from './errors.ts';
import { float32ToFloat16Array } from './float16.ts';
import { BYTES_PER_ELEMENT, METADATA_KEY, checkedElementCount, compareCodePoints } from './safetensors.ts';

/** A tensor to write: float32 values, row-major, `data.length === product(shape)`. */
export interface TensorToWrite {
  shape: number[];
  data: Float32Array;
}

export interface SerializeSafetensorsOptions {
  /** Stored precision. F16 halves the file; values beyond ±65504 become ±Infinity. */
  dtype?: 'F32' | 'F16';
  /** Written as `__metadata__`; PyTorch writers put `{ format: 'pt' }` here. */
  metadata?: Record<string, string>;
}

/**
 * Writes tensors as a safetensors file that the Python and Rust libraries read
 * back: tensors in sorted-name order, header JSON padded with spaces to a
 * multiple of 8 bytes so every tensor's data starts 8-byte aligned, as the Rust
 * `serialize` does.
 */
export function serializeSafetensors(
  tensors: Map<string, TensorToWrite> | Record<string, TensorToWrite>,
  opts: SerializeSafetensorsOptions = {},
): Uint8Array {
  const dtype = opts.dtype ?? 'F32';
  const bytesPerElement = BYTES_PER_ELEMENT[dtype];
  const named = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  // Rust sorts names as byte strings; UTF-8 byte order is code-point order.
  named.sort(([a], [b]) => compareCodePoints(a, b));

  // The header is assembled by hand because JSON.stringify on an object would
  // move integer-like tensor names (e.g. "0") ahead of the others.
  const headerParts: string[] = [];
  if (opts.metadata !== undefined) {
    const metadataParts = Object.keys(opts.metadata).sort(compareCodePoints).map((key) => {
      const value = opts.metadata![key];
      if (typeof value !== 'string') {
        throw new WeightFileError('bad-header', `Metadata value for "${key}" must be a string, got ${typeof value}.`);
      }
      return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
    });
    headerParts.push(`${JSON.stringify(METADATA_KEY)}:{${metadataParts.join(',')}}`);
  }
  let offset = 0;
  for (const [name, tensor] of named) {
    if (name === METADATA_KEY) {
      throw new WeightFileError('bad-header', `"${METADATA_KEY}" is reserved for metadata and cannot name a tensor.`, name);
    }
    const elementCount = checkedElementCount(tensor.shape);
    if (elementCount === null || elementCount !== tensor.data.length) {
      throw new WeightFileError('shape-mismatch',
        `Tensor "${name}" has shape [${tensor.shape.join(', ')}] but ${tensor.data.length} values.`, name);
    }
    const end = offset + elementCount * bytesPerElement;
    headerParts.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype, shape: tensor.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }

  const headerJson = new TextEncoder().encode(`{${headerParts.join(',')}}`);
  const paddedHeaderLength = Math.ceil(headerJson.length / 8) * 8;
  const out = new Uint8Array(8 + paddedHeaderLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(paddedHeaderLength), true);
  out.set(headerJson, 8);
  out.fill(0x20, 8 + headerJson.length, 8 + paddedHeaderLength);

  // Tensor bytes are copied in the host's order, assumed little-endian as in decodeToFloat32.
  let position = 8 + paddedHeaderLength;
  for (const [, tensor] of named) {
    const stored = dtype === 'F32' ? tensor.data : float32ToFloat16Array(tensor.data);
    out.set(new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength), position);
    position += stored.byteLength;
  }
  return out;
}
