import type { AttentionMethods } from '../attentionProtocol.ts';
import type { Handler } from '../runtime.ts';

/** One handler per method of AttentionMethods. */
export const attentionHandlers: { [M in keyof AttentionMethods]: Handler<M> } = {};
