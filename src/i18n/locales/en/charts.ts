// English messages of the "charts" namespace. Keys are grouped by where they appear.
export default {
};
