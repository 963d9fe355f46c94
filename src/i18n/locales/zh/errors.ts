// 核心与引擎报错的简体中文文案，按错误种类（name）和代码（code）组织。
// {{detail}} 是错误自带的英文原句：代码之外还带细节（字节偏移、张量名）的种类，
// 中文先说清楚是怎么回事，再附上英文原文，便于对照和搜索。
import type { Messages } from '../../shape.ts';
import type en from '../en/errors.ts';

const zh: Messages<typeof en> = {
  InputError: {
    'empty-prompt': '提示词是空的：请至少输入一个字符。',
    'no-tokens': '这段提示词没有得到任何词元。',
    'too-long': '{{tokens}} 个词元超出了 {{blockSize}} 个位置的上下文窗口（模型从没学过更靠后的位置），请缩短输入。',
    'out-of-vocabulary': '位置 {{position}} 上的词元编号 {{id}} 超出了词表范围（0…{{maxId}}）。',
    'unknown-characters': '有 {{count}} 个字符不在词表里：{{characters}}。这个模型的分词器没有字节回退（byte fallback），所以读不了这段提示词。',
    'eos-not-one-token': '结束文本 {{text}} 在这个分词器下是 {{tokens}} 个词元；请换一个正好是单个词元的文本（例如 "\\n" 或 "."）。',
    'tokenizer-mismatch': 'tokenizer.json 有 {{tokenizerVocab}} 个词元，而模型只有 {{modelVocab}} 个：两者不是配套的。',
    'model-loading': '模型还没有加载完成。',
    'no-training-model': '现在没有正在用你的文本训练的模型。',
    'new-text-empty': '新文本是空的：请粘贴一些文本、选择一个文件，或使用默认文本。',
    'new-text-too-short':
      '新文本太短：{{characters}} 个字符只得到 {{tokens}} 个词元，而留作验证集的最后十分之一至少需要 {{needed}} 个。请再多加些文本——至少几千个字符。',
    'invalid-input': '输入有误。（英文原文：{{detail}}）',
  },
  SettingsError: {
    'not-non-negative': '{{setting}} 必须是不小于 0 的有限数（0 表示贪心解码），现在是 {{value}}。',
    'not-whole-non-negative': '{{setting}} 必须是不小于 0 的整数（0 表示关闭），现在是 {{value}}。',
    'not-whole-positive': '{{setting}} 必须是不小于 1 的整数，现在是 {{value}}。',
    'not-probability': '{{setting}} 必须在 0 到 1 之间，现在是 {{value}}。',
    'not-positive': '{{setting}} 必须是正数（1 表示关闭），现在是 {{value}}。',
    'not-finite': '{{setting}} 必须是有限数，现在是 {{value}}。',
    'beams-out-of-range': '{{setting}} 必须是 1 到 {{maxBeams}} 之间的整数，现在是 {{value}}。',
    'not-mass': '{{setting}} 必须大于 0 且不超过 1（1 表示关闭），现在是 {{value}}。',
    'not-cutoff': '{{setting}} 必须不小于 0 且小于 1（0 表示关闭），现在是 {{value}}。',
    'groups-not-divisor': '{{setting}} 必须是 1 到 num_beams 之间、能整除 num_beams 的整数，现在是 {{value}}。',
    'contrastive-top-k': '对比搜索（penalty_alpha > 0）要求 {{setting}} 是不小于 2 的整数，现在是 {{value}}。',
    'not-penalty': '{{setting}} 必须是不小于 0 的有限数（0 表示关闭），现在是 {{value}}。',
  },
  StoreError: {
    unavailable: '浏览器拒绝了本地存储，所以两次访问之间什么也存不下——隐私浏览模式常会这样。页面照常可用；想保留的内容请下载下来。',
    quota: '浏览器的存储空间已满。请删除不再需要的模型或适配器（或先把它们下载下来），然后重试。其他内容没有改动。',
    corrupt: '「{{name}}」已损坏，无法读取。请删除它；其余内容不受影响。',
    'not-found': '这个浏览器里没有保存「{{id}}」（它可能已被删除，或是保存在另一个浏览器或用户配置里）。',
    'empty-name': '名称不能为空。',
    failed: '浏览器存储出错：{{reason}}。其他内容没有改动。',
  },
  DivergenceError: {
    diverged: '训练在第 {{step}} 步发散了：损失为 {{loss}}，梯度范数为 {{gradNorm}}。这一步的更新没有生效，权重停留在上一个正常的步骤。请试试更小的学习率。',
  },
  TrainingInputError: {
    'empty-text': '文本是空的：请粘贴一些文本，或选择一个文本文件。',
    'one-character':
      '文本里只有一种字符（{{character}}），没有什么可学的：下一个字符只有一种可能，怎么猜都对。请换一段至少有两种不同字符的文本（或改用 BPE 分词器，它的 256 个字节词元总有得选）。',
    'too-short':
      '文本太短：{{characters}} 个字符只得到 {{tokens}} 个词元，而一个训练窗口需要 {{needed}} 个（{{blockSize}} 个词元的上下文，再加上下一个词元）。请再多加些文本——至少几千个字符。',
  },
  UnknownCharacterError: {
    'unknown-characters': '有 {{count}} 个字符不在这个模型的词表里：{{characters}}。它的字符级分词器没有字节回退（byte fallback），写不出这些字符；请删掉或换掉它们。',
  },
  WeightFileError: {
    truncated: '权重文件不完整：数据在声明的长度之前就断了，下载可能中断了，请重新下载。（英文原文：{{detail}}）',
    'header-too-large': '权重文件声明的头部大得离谱，不像是 safetensors 文件。（英文原文：{{detail}}）',
    'bad-header': '权重文件的头部读不出来：文件已损坏，或者根本不是 safetensors 文件（例如存成 .safetensors 的 HTML 错误页）。（英文原文：{{detail}}）',
    'bad-offsets': '权重文件里各个张量的字节范围对不上：文件已损坏。（英文原文：{{detail}}）',
    'unsupported-dtype': '权重文件里有读不了的数据类型（例如 int8 量化权重）；这里只能读取浮点权重。（英文原文：{{detail}}）',
    'shape-mismatch': '权重文件里某个张量的字节数和它的形状对不上：文件已损坏。（英文原文：{{detail}}）',
  },
  CheckpointError: {
    'bad-config': 'config.json 读不成 GPT-2 的配置。（英文原文：{{detail}}）',
    'unsupported-config': '这个模型的配置不受支持：这里只运行标准的 GPT-2 结构。（英文原文：{{detail}}）',
    'missing-tensors': '权重文件缺少模型需要的张量：它和 config.json 不是配套的。（英文原文：{{detail}}）',
    'unexpected-tensors': '权重文件里有这个模型用不到的张量：它可能属于另一种模型。（英文原文：{{detail}}）',
    'shape-mismatch': '权重文件里某个张量的形状和 config.json 要求的不一致：两者不是配套的。（英文原文：{{detail}}）',
    'config-mismatch': '权重的尺寸和 config.json 对不上：这份配置多半属于另一个模型。（英文原文：{{detail}}）',
  },
  SourceError: {
    'http-status': '服务器返回了错误状态，文件没有下载下来。（英文原文：{{detail}}）',
    network: '网络请求失败：可能已经离线，或者服务器不允许这个页面访问（CORS）。（英文原文：{{detail}}）',
    'file-not-found': '找不到这个文件。（英文原文：{{detail}}）',
    'file-read': '文件存在，但读不出来。（英文原文：{{detail}}）',
    'unsupported-source': '无法从这种来源读取文件。（英文原文：{{detail}}）',
    'bad-json': '文件内容不是有效的 JSON。（英文原文：{{detail}}）',
    aborted: '读取已取消。（英文原文：{{detail}}）',
  },
};
export default zh;
