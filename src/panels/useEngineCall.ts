// One engine call whose answer depends on its parameters: rerun when `key`
// changes, answers to superseded calls dropped. For a run the learner starts
// and may stop (generate, train), see useEngineJob.ts.

import { useEffect, useState } from 'react';
import type { EngineClient } from '../engine/client.ts';
import type { MethodName, ParamsOf, ResultOf } from '../engine/protocol.ts';
import { errorText } from './errorText.ts';

export type CallState<R> =
  | { status: 'idle' }
  | { status: 'running'; key: string }
  | { status: 'done'; key: string; result: R }
  | { status: 'error'; key: string; message: string; name: string };

export function useEngineCall<M extends MethodName>(
  client: EngineClient | null,
  method: M,
  params: ParamsOf<M> | null,
  key: string,
): CallState<ResultOf<M>> {
  const [state, setState] = useState<CallState<ResultOf<M>>>({ status: 'idle' });
  useEffect(() => {
    if (!client || params === null) return;
    let alive = true;
    setState({ status: 'running', key });
    const job = client.call(method, params);
    job.result.then(
      (result) => alive && setState({ status: 'done', key, result }),
      (e: Error) => alive && setState({ status: 'error', key, message: errorText(e), name: e.name }),
    );
    return () => {
      alive = false;
    };
    // The key stands for the params.
  }, [client, method, key, params === null]);
  return state;
}
