// English messages of the "lora" namespace. Keys are grouped by where they appear.
export default {
};
