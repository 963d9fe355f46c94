// The Sampling & repetition panel's engine methods. Each entry: params the page sends,
// events streamed while it runs (never if none), and the plain-data result.

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface SamplingMethods {}
