// English messages of the "sampling" namespace. Keys are grouped by where they appear.
export default {
};
