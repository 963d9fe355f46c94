// TensorFlow.js keeps every tensor a gradient will need by cloning it (the
// Identity kernel). On the cpu and WebGL backends a clone shares the data; the
// wasm backend's Identity copies it, which doubles the memory of a training
// step: at GPT-2 size a LoRA step of 1 × 128 tokens held ~0.5 GB of such copies
// before the output head. Tensors are immutable, so here wasm's Identity shares
// the data as its Reshape kernel already does. Registered once, on import.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm'; // its kernels first, so this registration replaces theirs

interface RefCountingBackend {
  incRef(dataId: object): void;
}

function shareIdentity(): void {
  const config = tf.getKernel('Identity', 'wasm');
  if (!config || (config as { sharesData?: boolean }).sharesData) return;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return config.kernelFunc({ inputs, backend, attrs: {} }) as tf.TensorInfo;
      (backend as unknown as RefCountingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
    sharesData: true,
  } as tf.KernelConfig & { sharesData: boolean });
}

shareIdentity();
