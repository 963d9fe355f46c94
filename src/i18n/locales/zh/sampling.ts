// 命名空间 "sampling" 的简体中文文案：为中文读者撰写，不逐字翻译；术语见 ../../glossary.ts。
import type { Messages } from '../../shape.ts';
import type en from '../en/sampling.ts';

const zh: Messages<typeof en> = {
};
export default zh;
