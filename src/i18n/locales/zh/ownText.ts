// 命名空间 "ownText" 的简体中文文案：「用你自己的文本训练」面板——在页面里从零训练一个小 GPT。
// 为中文读者撰写，不逐字翻译；术语见 ../../glossary.ts。
import type { Messages } from '../../shape.ts';
import type en from '../en/ownText.ts';

const zh: Messages<typeof en> = {
  title: '用你自己的文本训练',
  source: {
    file: '文本文件',
    paste: '……或直接粘贴文本',
    placeholder: '粘贴几千字或更多：一章小说、一首歌的歌词、一段代码……',
    willFile: '将用文件「{{name}}」（{{size}}）训练。',
    willText: '将用粘贴的文本（{{count}} 个字符）训练。',
    none: '还没有选择文本。',
    empty: '请先选择一个文本文件，或粘贴一些文本。',
  },
  controls: {
    tokenizer: '分词器',
    bpe: '字节级 BPE',
    char: '按字符切分',
    vocab: 'BPE 词表大小',
    size: '模型规模',
    sizeTiny: '微型（tiny）：{{layers}} 层，隐藏维度 {{width}}，参数量约 {{params}}',
    sizeSmall: '小型（small）：{{layers}} 层，隐藏维度 {{width}}，参数量约 {{params}}',
    steps: '训练步数',
    seed: '随机种子',
    train: '开始训练',
    stop: '停止',
  },
  progress: {
    starting: '正在启动……',
    training: '训练中……',
    step: '第 {{step}} / {{planned}} 步 · 损失 {{loss}} · 每步 {{ms}} 毫秒',
    valLoss: ' · 验证集损失 {{loss}}',
    stopped: '（已停止）',
    done: '（已完成）',
    reading: '正在读取文本……',
    fittingBpe: '正在拟合字节级 BPE 分词器……',
    collectingChars: '正在统计所有字符……',
  },
  sample: '第 {{step}} 步的贪心解码样例',
  isolated: '这个模型在单独的槽位里训练：在你选用它之前，其他面板仍使用上方选中的模型。',
  summary: {
    characters: '共 {{count}} 个字符',
    cutFrom: '（原文 {{count}} 个字符，已截断）',
    vocabChar: '字符词表，共 {{vocab}} 个词元',
    vocabBpe: '字节级 BPE 词表，共 {{vocab}} 个词元',
    tokens: '训练用词元 {{train}} 个，',
    heldOut: '另留出 {{val}} 个作验证集',
    noneHeldOut: '没有留出验证集（文本太短，腾不出一个验证窗口）',
    model: '模型参数量 {{params}}，每批 {{batch}} × {{block}} 个词元。',
  },
  kept: {
    saved: '已保存在本浏览器，名为「{{name}}」（模型选择器里能找到它；在「模型管理……」里可以重命名、下载或删除）。',
    use: '在所有面板中使用',
    failed: '模型没能保存到本浏览器：{{message}}',
    download: '下载模型文件',
    entryName: '{{model}}，{{steps}} 步',
    fromFile: '在文件 {{name}} 上从零训练',
    fromText: '在粘贴的文本上从零训练',
  },
  chart: {
    x: '训练步数',
    y: '损失（奈特/词元）',
    title: '训练损失与验证损失',
    trainRaw: '训练损失（逐步）',
    train: '训练损失（平滑后）',
    val: '验证集损失',
    uniform: '均匀瞎猜：ln {{vocab}} = {{value}}',
  },
  explanation: {
    p1: '训练从随机初始化的权重开始。先根据你的文本拟合一个<b>分词器</b>（字节级 BPE 会学习把哪些字节对合并成词元；字符分词器则直接把每个不同的字符当作一个词元），然后一个小 GPT 反复读取文本中随机截取的窗口，学习预测每一个下一个词元。',
    p2: '<b>损失</b>是这些预测的交叉熵，单位是奈特/词元。词表有 V 个词元时，均匀瞎猜的模型损失是 ln V（图中的虚线）。训练初期损失下降很快，因为模型先学会了哪些词元常见；之后逐渐放缓，因为它在慢慢学拼写、词语和短语。',
    p3: '文本的最后 10% 被留作验证集：<b>验证集损失</b>（橙色）只在这部分上测量，从不参与训练。如果训练损失还在下降，验证集损失却不再下降，说明模型在死记硬背你的文本（过拟合），而不是在学习其中的规律。一切都在这个标签页里运行，不会上传任何内容。',
  },
};
export default zh;
