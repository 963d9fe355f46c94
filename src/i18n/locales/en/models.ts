// English messages of the "models" namespace. Keys are grouped by where they appear.
export default {
};
