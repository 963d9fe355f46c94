// English messages of the "ownText" namespace. Keys are grouped by where they appear.
export default {
};
