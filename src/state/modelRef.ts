// What the link's `model` field can name, as plain data:
//   model=shakespeare                      a folder under models/ (listed in models/manifest.json)
//   model=https://host/path/               a Hugging Face GPT-2-family folder (config.json,
//                                          model.safetensors, tokenizer.json inside); a Hub repo's
//                                          https://huggingface.co/<repo>/resolve/main/ is one
//   model=stored:<id>                      a model kept in this browser (src/store/store.ts)
//   model=local:<n>                        files opened in this page that could not be kept
//                                          (gone on reload; the page says so)

export type ModelRef =
  | { kind: 'embedded'; name: string }
  | { kind: 'url'; url: string }
  | { kind: 'stored'; id: string }
  | { kind: 'local'; n: number };

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const STORED = /^stored:([a-z0-9-]{1,40})$/i;
const LOCAL = /^local:(\d{1,6})$/;
/** A Hub repo id: "gpt2", "distilgpt2", "openai-community/gpt2". */
const REPO_ID = /^[a-z0-9][\w.-]{0,95}(\/[a-z0-9][\w.-]{0,95})?$/i;

export type ParsedRef = { ok: true; ref: ModelRef; note?: string } | { ok: false; message: string };

/** Reads a `model` value from a link. A URL without its final "/" gets one; a Hub repo page becomes its files' folder. */
export function parseModelRef(raw: string): ParsedRef {
  const text = raw.trim();
  const stored = STORED.exec(text);
  if (stored) return { ok: true, ref: { kind: 'stored', id: stored[1].toLowerCase() } };
  const local = LOCAL.exec(text);
  if (local) return { ok: true, ref: { kind: 'local', n: Number(local[1]) } };
  if (NAME.test(text)) return { ok: true, ref: { kind: 'embedded', name: text } };
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { ok: false, message: `model=${JSON.stringify(raw.slice(0, 80))} is not a valid address.` };
    }
    url.search = '';
    url.hash = '';
    const normal = folderUrl(url);
    return { ok: true, ref: { kind: 'url', url: normal }, note: normal !== text ? `model: reading the folder ${normal}.` : undefined };
  }
  return {
    ok: false,
    message: `model=${JSON.stringify(raw.slice(0, 80))} names no model: use a name from the list (such as shakespeare), an http(s) address of a model folder, or stored:<id>.`,
  };
}

/**
 * The folder a URL means: https://huggingface.co/<owner>/<repo> (the repo's page, or a
 * file in it) → …/resolve/main/; any other address → itself, ending in "/".
 */
function folderUrl(url: URL): string {
  if (url.hostname === 'huggingface.co') {
    const parts = url.pathname.split('/').filter(Boolean);
    const at = parts.findIndex((p) => p === 'resolve' || p === 'blob' || p === 'tree');
    const repo = at < 0 ? parts : parts.slice(0, at);
    const revision = at < 0 ? 'main' : parts[at + 1] ?? 'main';
    if (repo.length >= 1 && repo.length <= 2) return `https://huggingface.co/${repo.join('/')}/resolve/${revision}/`;
  }
  let href = url.href;
  if (/\.(json|safetensors)$/i.test(url.pathname)) href = href.slice(0, href.lastIndexOf('/') + 1);
  return href.endsWith('/') ? href : href + '/';
}

/** What a person types in "Open a model…": an address, or a Hub repo id ("distilgpt2", "openai-community/gpt2"). */
export function refFromUserInput(input: string): ParsedRef {
  const text = input.trim();
  if (!/^https?:\/\//i.test(text) && REPO_ID.test(text) && !STORED.test(text)) {
    return parseModelRef(`https://huggingface.co/${text}/resolve/main/`);
  }
  return parseModelRef(text);
}

export function formatModelRef(ref: ModelRef): string {
  switch (ref.kind) {
    case 'embedded':
      return ref.name;
    case 'url':
      return ref.url;
    case 'stored':
      return `stored:${ref.id}`;
    case 'local':
      return `local:${ref.n}`;
  }
}

/** A short label: the name, the Hub repo, or the host and last folder of an address. */
export function describeModelRef(ref: ModelRef): string {
  if (ref.kind === 'embedded') return ref.name;
  if (ref.kind === 'stored') return `saved model ${ref.id}`;
  if (ref.kind === 'local') return `opened files #${ref.n}`;
  const url = new URL(ref.url);
  const hub = /^\/([^/]+(?:\/[^/]+)?)\/resolve\//.exec(url.pathname);
  if (url.hostname === 'huggingface.co' && hub) return hub[1];
  const folders = url.pathname.split('/').filter(Boolean);
  return `${url.host}/${folders.at(-1) ?? ''}`;
}
