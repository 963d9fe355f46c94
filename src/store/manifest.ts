// public/models/manifest.json: the embedded models, one line each, so that a
// second embedded model is one folder plus one line. A model marked optional
// (the tests' stand-in, trained on demand and not committed) is listed only
// once its folder answers.

export interface EmbeddedModel {
  name: string;
  label: string;
  description: string;
  optional: boolean;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/** Reads the manifest; entries that are not well formed are skipped with a reason. */
export function parseManifest(json: unknown): { models: EmbeddedModel[]; problems: string[] } {
  const list = (json as { models?: unknown } | null)?.models;
  if (!Array.isArray(list)) return { models: [], problems: ['models/manifest.json has no "models" list.'] };
  const models: EmbeddedModel[] = [];
  const problems: string[] = [];
  for (const item of list as unknown[]) {
    const m = item as Partial<Record<keyof EmbeddedModel, unknown>> | null;
    if (typeof m?.name !== 'string' || !NAME.test(m.name)) {
      problems.push(`models/manifest.json: an entry without a valid folder name was skipped (${JSON.stringify(item).slice(0, 60)}).`);
      continue;
    }
    models.push({
      name: m.name,
      label: typeof m.label === 'string' ? m.label : m.name,
      description: typeof m.description === 'string' ? m.description : '',
      optional: m.optional === true,
    });
  }
  return { models, problems };
}
