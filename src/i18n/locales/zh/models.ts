// 命名空间 "models" 的简体中文文案：页头的模型选择器、「模型……」对话框，以及已保存的模型和适配器列表。
// 为中文读者撰写，不逐字翻译；术语见 ../../glossary.ts。
import type { Messages } from '../../shape.ts';
import type en from '../en/models.ts';

const zh: Messages<typeof en> = {
  picker: {
    label: '模型',
    embedded: '内置模型',
    kept: '保存在本浏览器',
    downloaded: '已下载（可离线使用）',
    open: '打开模型……',
    models: '模型管理……',
  },
  dialog: {
    title: '模型管理',
    close: '关闭',
  },
  byAddress: {
    title: '按地址打开模型',
    intro:
      '填写一个 Hugging Face 上 GPT-2 系列模型的文件夹地址，页面会从中读取 <c>config.json</c>、<c>model.safetensors</c> 和 <c>tokenizer.json</c>。也可以直接写 Hub 仓库名：<c>gpt2</c>（1.24 亿参数，548 MB）、<c>distilgpt2</c>（8200 万参数，353 MB），或者像 <c>https://huggingface.co/gpt2/resolve/main/</c> 这样的完整地址。下载大文件之前，页面会先告诉你文件大小。',
    label: '地址或仓库名',
    open: '打开',
    notAFolder: '请填写模型文件夹的地址（https://…/），或 Hugging Face 仓库名，例如 distilgpt2。',
  },
  files: {
    title: '从电脑打开模型文件',
    label: '同时选中 config.json、model.safetensors 和 tokenizer.json，或把它们拖到这里',
    note: '文件会保存在本浏览器里（见下方列表），刷新页面后依然在。不会上传到任何地方。',
    missing: '缺少 {{files}}：请一起选中 Hugging Face GPT-2 文件夹里的这些文件（config.json、model.safetensors、tokenizer.json）。',
    openedName: '{{date}} 打开',
    openedFrom: '从本地文件打开',
    thisVisitOnly: '{{message}}模型只在本次访问中可用。',
  },
  kept: {
    title: '保存在本浏览器',
    empty: '还没有内容：在「用你自己的文本训练」里训练的模型、从本地文件打开的模型会出现在这里。',
    deleteIt: '删除',
    inUse: '使用中',
    use: '使用',
    rename: '重命名',
    newName: '给 {{name}} 起个新名字',
    save: '保存',
    cancel: '取消',
    download: '下载',
    delete: '删除',
    confirmDelete: '要从本浏览器删除「{{name}}」（{{size}}）吗？想留一份的话，请先下载。',
    unreadable: '无法读取浏览器存储：{{message}}',
  },
  cached: {
    title: '已下载，下次访问可直接使用',
    remove: '移除',
  },
  adapters: {
    kept: '保存在本浏览器',
    empty: '还没有保存的适配器：你训练的适配器会自动保存在这里。',
    forThis: '适用于当前模型',
    forOther: '适用于 {{model}}',
    load: '加载',
    confirmDelete: '要从本浏览器删除适配器「{{name}}」吗？',
    damaged: '有些保存的记录已损坏；「模型管理……」对话框里列出了它们，并附有删除按钮。',
    method: '方法：{{method}}',
  },
};
export default zh;
