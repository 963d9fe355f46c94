import type { SamplingMethods } from '../samplingProtocol.ts';
import type { Handler } from '../runtime.ts';

/** One handler per method of SamplingMethods. */
export const samplingHandlers: { [M in keyof SamplingMethods]: Handler<M> } = {};
