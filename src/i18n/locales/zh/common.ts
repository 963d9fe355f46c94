// 命名空间 "common" 的简体中文文案：页面框架（标题、标签页、链接提示、页脚）。
// 为中文读者撰写，不逐字翻译；术语见 ../../glossary.ts。
import type { Messages } from '../../shape.ts';
import type en from '../en/common.ts';

const zh: Messages<typeof en> = {
  app: {
    title: 'Transformer 演练场',
    tagline:
      '一个完全在浏览器里运行的 GPT：可以是内置的小模型、你自己训练的模型，也可以是 GPT-2 本身。所有设置都写在页面地址里，把链接发给别人，对方看到的就是你眼前这一屏。',
    footer: '模型由 TensorFlow.js 在 Web Worker 中运行，生成和训练时页面依然流畅。',
  },
  language: {
    label: '界面语言',
  },
  tabs: {
    label: '面板',
    sampling: '采样与复读',
    attention: '注意力',
    lora: 'LoRA 低秩适配',
    ownText: '用你自己的文本训练',
  },
  linkProblems: {
    title: '链接中的部分设置无法按原样使用：',
    dismiss: '知道了',
  },
};
export default zh;
