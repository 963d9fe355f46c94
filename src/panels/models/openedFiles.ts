// Model files opened from the learner's disk that the browser store refused to
// keep: held in this page only, under `model=local:<n>`, until a reload.

export interface OpenedFiles {
  name: string;
  files: Record<string, Blob>;
}

export const openedFiles = new Map<number, OpenedFiles>();
let next = 1;

export function holdOpenedFiles(opened: OpenedFiles): number {
  const n = next++;
  openedFiles.set(n, opened);
  return n;
}
