// 命名空间 "common" 的简体中文文案：页面框架（标题、标签页、链接提示、页脚）。
// 为中文读者撰写，不逐字翻译；术语见 ../../glossary.ts。
import type { Messages } from '../../shape.ts';
import type en from '../en/common.ts';
import errors from './errors.ts';

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
    lessons: '面试题课程',
  },
  linkProblems: {
    title: '链接中的部分设置无法按原样使用：',
    dismiss: '知道了',
    codes: {
      'bad-encoding': '「{{text}}」的 URL 编码有误，已忽略。',
      'unknown-setting': '没有名为「{{key}}」的设置，已忽略。',
      repeated: '{{key}} 在链接里出现了不止一次，以最后一个值为准。',
      'not-a-number': '{{key}}={{value}} 不是数字，改用默认值 {{fallback}}。',
      'not-a-whole-number': '{{key}}={{value}} 不是整数，改用默认值 {{fallback}}。',
      'below-minimum': '{{key}}={{value}} 低于下限 {{min}}，改用 {{used}}。',
      'above-maximum': '{{key}}={{value}} 超过上限 {{max}}，改用 {{used}}。',
      rounded: '{{key}}={{value}} 不是整数，取整为 {{used}}。',
      'not-one-of': '{{key}}={{value}} 不是可选值（{{allowed}}）之一，改用 {{fallback}}。',
      'too-long': '{{key}} 有 {{length}} 个字符，只保留前 {{maxLength}} 个。',
      'bad-address': '{{key}}={{value}} 不是有效的网址，改用 {{fallback}}。',
      'no-such-model':
        '{{key}}={{value}} 没有对应的模型：请使用列表里的模型名（例如 shakespeare）、模型文件夹的 http(s) 地址，或 stored:<id>。改用 {{fallback}}。',
      'model-folder': '{{key}}：读取文件夹 {{url}}。',
    },
  },
  panel: {
    about: '关于「{{title}}」',
  },
  actions: {
    cancel: '取消',
    download: '下载',
    stop: '停止',
  },
  load: {
    stage: {
      config: '正在读取模型配置',
      tokenizer: '正在读取分词器',
      weights: '正在下载权重',
      building: '正在构建模型',
      warmingUp: '正在跑第一次前向传播（预热）',
    },
    startingEngine: '正在启动推理引擎',
    theEngine: '推理引擎',
    bytesOf: '{{loaded}} / {{total}}',
    loading: '正在加载 <b>{{name}}</b>：',
    loadingLabel: '正在加载 {{name}}',
    confirm:
      '<b>{{name}}</b> 需要下载 <size>{{size}}</size>。下载后会保存在这个浏览器里，之后再访问会直接从本地读取。',
    untilThen: '在此之前，所有面板继续使用 {{name}}。',
    failed: '模型没有加载成功。',
    standIn: '内置模型还在训练中，可以先用一个小的替身模型：',
    ready:
      '<b>{{name}}</b> 已就绪：{{layers}} 层 × {{heads}} 个注意力头，隐藏维度 {{width}}，上下文 {{context}} 个词元，参数量 {{params}}',
    inUse:
      '正在使用 <b>{{name}}</b>：{{layers}} 层 × {{heads}} 个注意力头，隐藏维度 {{width}}，上下文 {{context}} 个词元，参数量 {{params}}',
    valLoss: '，验证集损失 {{loss}} 奈特/词元',
    semicolon: '；',
    sentenceEnd: '。',
    end: '。',
    offline: '可离线使用',
    fromCache: '读自本浏览器的下载缓存',
    thisVisit: '仅本次访问有效',
    backend: '运行后端：<b>{{backend}}</b>。{{reason}}。',
    memory: '引擎当前持有 {{tensors}} 个张量（{{bytes}}）。',
    threads: '它同时用 {{count}} 个线程计算（多线程 wasm）。',
    oneThread: '它只用一个线程计算（只有页面启用了跨源隔离，即 COOP/COEP 响应头，wasm 才会多线程运行，每个物理 CPU 核心一个线程）。',
    oneThreadAuto: '它只用一个线程计算：auto 按物理核心数开线程，约为本机 {{cores}} 个逻辑核心的一半（在链接里写 threads={{cores}} 可以开更多）。',
    oneThreadAsked: '它按链接的要求只用一个线程计算（threads=1）。',
    threadsCapped: '链接要求 {{asked}} 个线程，但本机只有 {{cores}} 个逻辑核心。',
    choosingBackend: '正在选择 TensorFlow.js 后端……',
    why: {
      asked: '链接里指定了 {{backend}}',
      noWebgl: '这个浏览器不支持 WebGL，因此改用 wasm',
      software: '这里的 WebGL 是用软件模拟渲染的（{{renderer}}），逐个生成词元时很慢，因此改用 wasm',
      gpu: 'WebGL 在 GPU 上运行（{{renderer}}）',
      webgpu: 'WebGPU 在 GPU 上运行（{{adapter}}）',
      measured: '在本机实测时，{{backend}} 生成最快',
      instead: '{{why}}，但 {{wanted}} 在这里无法启动，因此改用 {{backend}}',
    },
    adapter: 'WebGPU 适配器（adapter）：{{adapter}}。',
    adapterSoftware: 'WebGPU 适配器 {{adapter}} 是软件实现的回退适配器（fallback adapter）：它在 CPU 上计算，比 GPU 慢得多。',
    unavailable: {
      'no-webgpu':
        '{{backend}} 无法启动：这个浏览器没有 WebGPU（需要较新的 Chrome、Edge 或 Safari，且页面须经 https 或从 localhost 打开，即安全上下文）。',
      'no-adapter':
        '{{backend}} 无法启动：浏览器没有提供 WebGPU 适配器（没有受支持的 GPU，或浏览器对它关闭了 WebGPU；无头 Chromium 需要加 --enable-unsafe-webgpu 参数）。',
      'no-sync-read':
        '{{backend}} 在这里能启动，却无法当场把计算结果读回（它的 WebGPU 画布创建失败，没有 GPU 的无头 Chromium 就是这样），而模型每一步都要同步读取结果（dataSync）。',
      failed: '{{backend}} 无法启动：{{message}}。',
    },
    runsInstead: '改用 {{backend}} 运行。',
    verdict: {
      waiting: '稍后 auto 会在后台实测哪个后端在本机最快：每个后端各跑几步生成（解码，decode step）和一小步训练。',
      measuring: '正在后台实测哪个后端在本机最快：每个后端各跑几步生成（解码）和一小步训练……',
      chosen: '选用 <b>{{fastest}}</b>：{{figures}}（本机实测）。',
      nextStart: '本机实测 <b>{{fastest}}</b> 最快：{{figures}}。现在继续用 {{backend}} 运行；下次启动时改用 {{fastest}}。',
      training: '训练（每步 {{tokens}} 个词元）：{{figures}}，{{fastest}} 训练最快。',
      perToken: '{{backend}} 每个词元 {{ms}} 毫秒',
      perTokenOneStep: '{{backend}} 每个词元 {{ms}} 毫秒（只测了一步：差距太大，不再继续计时）',
      perStep: '{{backend}} 每步 {{ms}} 毫秒',
      notTimed: '{{backend}} 未计时（光是第一步就太慢）',
      versus: '，对比 ',
      again: '重新测量',
      cost: '后台测速共用时 {{seconds}} 秒。',
      failed: '没能实测各后端：{{message}}',
    },
    cancelled: '已取消加载 {{name}}。',
    didNotLoad: '{{name}} 加载失败：{{message}}',
    stillUsing: '{{message}}继续使用 {{name}}。',
    notKept: '{{name}} 已加载，但没能保存下来供下次访问使用：{{problem}}。',
    localGone: '上次访问时打开的文件没有保存下来（当时浏览器存储拒绝了写入）。请通过「打开模型……」重新打开。',
  },
  prompt: {
    title: '提示词',
    explanation1:
      '语言模型把文本读成一个个<em>词元（token）</em>——也就是词的片段；每一步，它都会给词表里的每个词元打分，评估它作为下一个词元的可能性。这里的<b>生成</b>用的是<em>贪心解码</em>：每次都选分数最高的词元，接到末尾，再接着问下一个。',
    explanation2:
      '彩色方框标出了每个生成词元的起止位置；<nl>↵</nl> 表示换行。贪心解码很容易陷入循环，把同一句话翻来覆去地说——也就是常说的「复读机」现象。「采样与复读」标签页会量化这些循环，并展示温度、top-k、top-p 以及各种惩罚项如何打破它们。',
    text: '让模型续写的文本',
    newTokens: '新生成词元数',
    model: '模型',
    chosenModel: '当前选中的模型',
    generate: '生成',
    unavailable: '模型加载完成后即可生成。',
    tokenTitle: '词元 {{id}}',
    runningCount_one: '已生成 {{count}} 个词元……',
    runningCount_other: '已生成 {{count}} 个词元……',
    done: '共 {{n}} 个词元，贪心解码，{{speed}} 词元/秒',
    stopped: '（已停止）',
    tokenCount: {
      counting: '正在统计词元……',
      window_one: '共 {{n}} 个词元，上下文窗口可容纳 {{window}} 个',
      window_other: '共 {{n}} 个词元，上下文窗口可容纳 {{window}} 个',
      /** Between the window line and the 汉字 line: a space in English, none after a Chinese full stop. */
      between: '',
      virtual_one: '（模型的 {{block}} 个位置里，{{n}} 个给了已开启的提示适配器的虚拟词元 virtual token）',
      virtual_other: '（模型的 {{block}} 个位置里，{{n}} 个给了已开启的提示适配器的虚拟词元 virtual tokens）',
      overWindow: '——超出窗口，模型只读取最后 {{window}} 个',
      perHan_one: '平均每个汉字 {{perHan}} 个词元（{{han}} 个汉字用了 {{hanTokens}} 个词元）',
      perHan_other: '平均每个汉字 {{perHan}} 个词元（{{han}} 个汉字用了 {{hanTokens}} 个词元）',
      unknown_one: '有 {{n}} 个字不在这个模型的词表里，会被读成未知词元 �：{{characters}}',
      unknown_other: '有 {{n}} 个字不在这个模型的词表里，会被读成未知词元 �：{{characters}}',
      unknownTitle:
        '这个模型的词表只保留训练文本中足够常见的字（唐诗模型：至少出现 10 次），外加一个未知词元（显示为 �）；更罕见的字、繁体字和其他字符都会变成这个词元，模型无法区分它们。',
      listSeparator: '、',
      perHanTitle:
        '按当前模型的分词器，文本中的汉字花掉的词元数（每段连续汉字单独编码后相加）。没学过中文的字节级分词器，每个汉字要花 3 个词元（即它的 3 个 UTF-8 字节）；在中文语料上训练的分词器大约只花 1 个。所以同样大小的上下文窗口能装下约三倍的中文——这正是「词表扩增」要解决的问题。',
    },
  },
  notices: {
    'prompt-cut': '提示词有 {{promptTokens}} 个词元，上下文窗口只装得下最后 {{blockSize}} 个，开头部分被截掉了。',
    'beam-prompt-cut': '为了让各条束都装进 {{blockSize}} 个词元的上下文窗口，提示词只保留了最后 {{kept}} 个词元。',
    'window-slid': '上下文窗口（{{blockSize}} 个词元）已满，窗口向前滑动，最早的词元被丢弃。',
    'window-full': '上下文窗口（{{blockSize}} 个词元）已满，模型只读取最后 {{blockSize}} 个词元。',
    'ngram-ban-lifted': '某一步里所有词元都被 no_repeat_ngram_size 禁掉了，那一步忽略了这条禁令。',
    'top-k-clamped': 'top_k 设为 {{topK}}，比词表（{{vocabSize}} 个词元）还大，相当于保留全部词元。',
    'beams-ignore-sampling': '束搜索不做随机采样：各条束按对数概率排序。',
  },
  errors,
};
export default zh;
