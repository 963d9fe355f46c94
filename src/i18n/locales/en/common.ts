// English messages of the "common" namespace: the page's frame (header, tabs,
// link notices, footer) and what several panels share.
export default {
  app: {
    title: 'Transformer Playground',
    tagline:
      "A GPT running entirely in your browser — the small embedded one, one you train, or GPT-2 itself. Every setting lives in the page's address, so a copied link shows someone else exactly this screen.",
    footer: 'TensorFlow.js runs the model in a Web Worker, so the page stays responsive while it generates or trains.',
  },
  language: {
    label: 'Language',
  },
  tabs: {
    label: 'Panels',
    sampling: 'Sampling & repetition',
    attention: 'Attention',
    lora: 'LoRA',
    ownText: 'Your own text',
  },
  linkProblems: {
    title: 'Some settings in the link could not be used as written:',
    dismiss: 'Dismiss',
  },
};
