// The wasm backend's Slice reads its input with readSync, which copies the
// whole input out of the wasm heap before taking the slice: one 128-row block
// of a [4096, 128] tensor cost ~1.7 ms, so attention's per-head products
// (gradsAttention.ts) spent more time slicing than multiplying. A slice that is
// one contiguous run (rows of a row-major tensor) is copied here straight from
// the heap; every other slice goes to the backend's own kernel. Same numbers,
// registered once, on import (as wasmIdentity.ts).

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm'; // its kernels first, so this registration replaces theirs

interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

function contiguousSlice(): void {
  const config = tf.getKernel('Slice', 'wasm');
  if (!config || (config as { fromHeap?: boolean }).fromHeap) return;
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({
    kernelName: 'Slice',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const { begin, size } = args.attrs as unknown as { begin: number[]; size: number[] };
      const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
      if (x.dtype === 'string' || !tf.slice_util.isSliceContinous(x.shape, begin_, size_)) return config.kernelFunc(args) as tf.TensorInfo;
      const backend = args.backend as unknown as HeapBackend;
      const offset = tf.slice_util.computeFlatOffset(begin_, tf.util.computeStrides(x.shape));
      const n = tf.util.sizeFromShape(size_);
      const out = backend.makeOutput(size_, x.dtype);
      // Views are taken after makeOutput: allocating can grow the heap and detach older views.
      backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x).subarray(offset, offset + n));
      return out;
    },
    fromHeap: true,
  } as tf.KernelConfig & { fromHeap: boolean });
}

contiguousSlice();
