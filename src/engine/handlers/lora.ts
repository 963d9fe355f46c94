import type { LoraMethods } from '../loraProtocol.ts';
import type { Handler } from '../runtime.ts';

/** One handler per method of LoraMethods. */
export const loraHandlers: { [M in keyof LoraMethods]: Handler<M> } = {};
