// English messages of the "models" namespace: the model picker in the header,
// the Models… dialog, and the lists of saved models and adapters.
export default {
  picker: {
    label: 'Model',
    embedded: 'Embedded',
    kept: 'Kept in this browser',
    downloaded: 'Downloaded (kept for offline use)',
    open: 'Open a model…',
    models: 'Models…',
  },
  dialog: {
    title: 'Models',
    close: 'Close',
  },
  byAddress: {
    title: 'Open a model by address',
    intro:
      'A Hugging Face GPT-2-family folder: <c>config.json</c>, <c>model.safetensors</c> and <c>tokenizer.json</c> are read from it. A Hub repo id works too: <c>gpt2</c> (124M, 548 MB), <c>distilgpt2</c> (82M, 353 MB) or an address such as <c>https://huggingface.co/gpt2/resolve/main/</c>. The page says the size before a large download.',
    label: 'Address or repo id',
    open: 'Open',
    notAFolder: 'Give the address of a model folder (https://…/), or a Hugging Face repo id such as distilgpt2.',
  },
  files: {
    title: 'Open model files from your computer',
    label: 'Choose config.json, model.safetensors and tokenizer.json together, or drop them here',
    note: 'They are kept in this browser (listed below), so a reload finds them. Nothing is uploaded.',
    missing:
      'Missing {{files}}: choose the files of a Hugging Face GPT-2 folder together (config.json, model.safetensors, tokenizer.json).',
    openedName: 'opened {{date}}',
    openedFrom: 'opened from files',
    thisVisitOnly: '{{message}} The model is open for this visit only.',
  },
  kept: {
    title: 'Kept in this browser',
    empty: 'Nothing yet: models you train in “Your own text” or open from files appear here.',
    deleteIt: 'Delete it',
    inUse: 'in use',
    use: 'Use',
    rename: 'Rename',
    newName: 'New name for {{name}}',
    save: 'Save',
    cancel: 'Cancel',
    download: 'Download',
    delete: 'Delete',
    confirmDelete: 'Delete “{{name}}” ({{size}}) from this browser? Download it first to keep a copy.',
    unreadable: 'The browser storage could not be read: {{message}}',
  },
  cached: {
    title: 'Downloaded, kept for the next visit',
    remove: 'Remove',
  },
  adapters: {
    kept: 'Kept in this browser',
    empty: 'No adapter kept yet: adapters you train are kept here automatically.',
    forThis: 'for this model',
    forOther: 'for {{model}}',
    load: 'Load',
    confirmDelete: 'Delete the adapter “{{name}}” from this browser?',
    damaged: 'Some saved records are damaged; the Models… dialog lists them with a Delete button.',
    method: 'method: {{method}}',
  },
};
