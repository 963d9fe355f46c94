// Global setup of the e2e project: trains the stand-in model when it is missing
// and builds the app once; every e2e file then serves that one build.
import type { TestProject } from 'vitest/node';
import { MODEL, buildApp, ensureModel } from './harness.ts';

export default async function setup(project: TestProject): Promise<void> {
  const t0 = Date.now();
  await ensureModel(MODEL);
  const dist = await buildApp();
  project.provide('e2eDist', dist);
  console.log(`e2e: model "${MODEL}" ready and the app built once in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
