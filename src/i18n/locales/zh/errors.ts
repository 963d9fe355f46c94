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
    'virtual-tokens-too-long':
      '{{tokens}} 个词元加上软提示的 {{virtualTokens}} 个虚拟词元（virtual tokens），超出了 {{blockSize}} 个位置的上下文窗口：前 {{virtualTokens}} 个位置归虚拟词元，请缩短输入。',
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
  /** 提示学习（src/peft/）：prompt tuning、P-tuning、prefix tuning 的设置与 PEFT 适配器文件。 */
  PromptLearningError: {
    'bad-config': '{{field}} 的取值 {{value}} 不合要求（英文说明：{{expected}}）。',
    'unsupported-peft-type': 'adapter_config.json 的 peft_type 是 {{peftType}}；提示学习适配器只能是 PROMPT_TUNING、P_TUNING 或 PREFIX_TUNING。',
    'token-dim-mismatch': '这个软提示是为宽度 {{file}} 的模型训练的（token_dim），当前模型的宽度是 {{model}}，两者对不上。',
    'layers-mismatch': '这个前缀是为 {{file}} 层的模型训练的（num_layers），当前模型有 {{model}} 层。',
    'heads-mismatch': '这个前缀是为 {{file}} 个注意力头训练的（num_attention_heads），当前模型有 {{model}} 个头。',
    'too-many-virtual-tokens':
      '{{virtualTokens}} 个虚拟词元（num_virtual_tokens）会占满 {{blockSize}} 个位置的上下文窗口：它们占据最前面的位置，所以 n 必须小于 {{blockSize}}。',
    'missing-tensor': '适配器文件里没有名为「{{key}}」的张量。',
    'unexpected-tensor': '适配器文件里有「{{key}}」，提示学习适配器用不上它。',
    'shape-mismatch': '{{key}} 的形状是 {{got}}，当前模型需要 {{expected}}。',
    'already-attached': '模型上已经挂着另一个软提示，请先把它关掉。',
    disposed: '这个提示学习适配器已经释放，不能再用了。',
  },
  /** AdaLoRA（src/lora/adalora*.ts）：设置与 PEFT 适配器文件；{{field}} 是 PEFT 的字段名。 */
  AdaLoraError: {
    'not-whole-positive': '{{field}} 必须是 ≥ 1 的整数，现在是 {{value}}。',
    'not-whole-non-negative': '{{field}} 必须是 ≥ 0 的整数，现在是 {{value}}。',
    'not-open-unit': '{{field}} 必须在 0 和 1 之间（不含两端），现在是 {{value}}。',
    'not-positive': '{{field}} 必须是正数，现在是 {{value}}。',
    'not-non-negative': '{{field}} 必须 ≥ 0（取 0 时按 init_r 缩放），现在是 {{value}}。',
    'not-dropout': '{{field}} 必须在 [0, 1) 之内，现在是 {{value}}。',
    'target-not-below-init': 'target_r（{{target_r}}）必须小于 init_r（{{init_r}}）：AdaLoRA 是从 init_r 往下剪到 target_r 的。',
    'rank-too-large': 'init_r = {{value}} 超过了目标矩阵能容纳的秩：这里 P·Λ·Q 的秩最多是 {{max}}。',
    'no-budgeting-phase':
      'tinit（{{tinit}}）加 tfinal（{{tfinal}}）把 total_step（{{total_step}}）步占满了，中间没有分配预算（剪枝）的阶段；请减小 tinit 或 tfinal，或增大 total_step。',
    'bad-target-modules': 'target_modules 要列出 GPT-2 的一个或多个模块（{{modules}}），每个只写一次；现在是 {{value}}。',
    'bad-layers': 'layers_to_transform 要么是 null，要么是 0…{{maxLayer}} 中互不重复的层号；现在是 {{value}}。',
    'not-adalora': 'adapter_config.json 的 peft_type 是 {{peft_type}}；AdaLoRA 适配器应为 ADALORA。',
    'missing-field': 'adapter_config.json 缺少字段「{{field}}」。',
    unsupported: '这里的 AdaLoRA 适配器不支持 {{field}} = {{value}}。',
    'bad-rank-pattern': 'rank_pattern 里的「{{key}}」和这个适配器对不上：每个键应指向一个被适配的矩阵（….lora_E），值是 init_r 个布尔值。',
    'missing-tensor': '适配器文件里没有名为「{{key}}」的张量。',
    'shape-mismatch': '{{key}} 的形状是 {{got}}，而这个基座模型和秩分配（rank_pattern）需要 {{expected}}——这个适配器是为别的基座或配置训练的。',
    'unexpected-tensors': '适配器里有当前模型放不下的张量：{{keys}}。',
    'adapter-attached': '{{name}} 上已经挂着另一个适配器，请先把它关掉。',
    merged: '适配器已经合并进权重（merge），请先拆出来（unmerge）再关闭。',
    disposed: '这个 AdaLoRA 适配器已经释放，不能再用了。',
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
    'training-busy': '已经有一个模型正在训练：请等它结束或先停止它，再开始新的训练。',
    'training-slot-taken':
      '你自己训练的模型还加载着（训练槽位被占用），这次运行会把它替换掉。请先在提示词框里换用别的模型，或者到「用你自己的文本训练」里重新训练。',
  },
  VocabExpansionError: {
    'no-new-tokens': '没有可加的字：要求加入 {{requested}} 个字。中文文本里需要有分词器要用多个词元才能拼出的汉字。',
    'not-one-character': '「{{token}}」不是单个字符；每个新词元只能是一个字符。',
    'already-in-vocabulary': '「{{token}}」在词表里已经是一个词元了（id {{id}}）。',
    'duplicate-token': '「{{token}}」被要求加入了两次。',
    'vocab-limit': '词表会扩到 {{vocabSize}} 个词元，超过上限 {{limit}}；请少加一些字。',
    'model-mismatch': '模型的嵌入矩阵有 {{modelVocab}} 行，分词器却有 {{tokenizerVocab}} 个词元：词表扩增要和它所属的模型一起做。',
  },
  VocabJobError: {
    'not-byte-bpe': '{{name}} 用的是字符级分词器；词表扩增是往字节级 BPE 里加合并规则（merges）。请在页首选择 Shakespeare 模型。',
    'text-unavailable': '无法从 {{url}} 读取 {{file}}。',
    'text-too-short': '文本太短：{{characters}} 个字符只得到 {{tokens}} 个词元，而一个窗口需要 {{needed}} 个。请再多加些文本——至少几千个字符。',
    'bad-setting': '{{field}} 必须在 {{min}} 到 {{max}} 之间，现在是 {{value}}。',
    'nothing-to-export': '还没有扩增后的模型：请先运行词表扩增。',
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
  /** 各种 PEFT 方法的适配器，以及导入的 PEFT 文件（src/engine/adapterErrors.ts）。 */
  AdapterError: {
    'bad-json': 'adapter_config.json 不是有效的 JSON（{{reason}}）。',
    'unknown-peft-type': 'adapter_config.json 的 peft_type 是 {{peftType}}；这里能读的是 {{known}}。',
    'layer-missing': '{{key}} 指向第 {{layer}} 层，可当前模型只有 {{layers}} 层：这个适配器是为别的基座模型训练的。',
    'shape-mismatch': '{{key}} 的形状是 {{got}}，当前模型需要 {{expected}}：这个适配器是为别的基座模型训练的。',
    'missing-tensor': '适配器文件里缺少 {{key}}。',
    'unexpected-tensor': '适配器文件里有「{{key}}」，按它的配置和当前模型，这个张量没有地方放。',
    'cannot-merge': '{{name}} 是 {{method}} 适配器：它的虚拟词元放在文本前面，不在权重矩阵里，没有 W 可以合并进去。请直接开启它。',
    'lora-only': '{{name}} 是 {{method}} 适配器；这里只有 LoRA 适配器能继续训练（其他方法在「方法对比」里训练）。',
  },
};
export default zh;
