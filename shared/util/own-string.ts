/**
 * V8 keeps a substring of 13 characters or more (a regular expression's capture, a
 * `slice`, a `split` part) as a view into the string it was cut from. A value kept in
 * state for minutes (a distinct user name) is copied out, so that it keeps its own
 * characters alive and not the whole record it was cut from.
 */
const SLICE_MIN = 13;

/** The same text, as a string of its own (short strings are copies already). */
export function ownString(s: string): string {
  // Slicing a fresh concatenation copies the characters out of the original.
  return s.length < SLICE_MIN ? s : (' ' + s).slice(1);
}
