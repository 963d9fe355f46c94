// English messages of the "attention" namespace. Keys are grouped by where they appear.
export default {
};
