/**
 * Learning rate at a step: linear warm-up from 0, then cosine decay to a floor
 * (nanoGPT's get_lr). Warm-up keeps Adam's first, poorly-estimated updates
 * small; the cosine tail lets the loss settle.
 */
export interface Schedule {
  learningRate: number;
  minLearningRate: number;
  warmupSteps: number;
  /** Step at which the decay reaches minLearningRate; later steps stay there. */
  decaySteps: number;
}

export function learningRateAt(s: Schedule, step: number): number {
  if (step < s.warmupSteps) return (s.learningRate * (step + 1)) / s.warmupSteps;
  if (step >= s.decaySteps) return s.minLearningRate;
  const progress = (step - s.warmupSteps) / Math.max(1, s.decaySteps - s.warmupSteps);
  const coeff = 0.5 * (1 + Math.cos(Math.PI * progress));
  return s.minLearningRate + coeff * (s.learningRate - s.minLearningRate);
}
