// Accent- and case-insensitive search: "ceret" finds "Céret", "st cyprien" does not need the hyphen.
const MARKS = /[\u0300-\u036f]/g;
const LIGATURES = { "œ": "oe", "æ": "ae", "ß": "ss" };
const SEPARATORS = /[^a-z0-9]+/g;

/** Lower case, no accents, ligatures spelled out, every run of punctuation or spaces one space. */
export function normalize(text) {
  return String(text ?? "")
    .normalize("NFD").replace(MARKS, "")
    .toLowerCase()
    .replace(/[œæß]/g, (letter) => LIGATURES[letter])
    .replace(SEPARATORS, " ")
    .trim();
}

/** The words of a query, normalized; an empty query has none. */
export function queryWords(query) {
  const normalized = normalize(query);
  return normalized ? normalized.split(" ") : [];
}

/** True when every word appears somewhere in `haystack` (already normalized). */
export function matchesWords(haystack, words) {
  for (const word of words) {
    if (!haystack.includes(word)) return false;
  }
  return true;
}
