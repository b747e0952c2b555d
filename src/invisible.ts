/**
 * Characters that show as nothing (Unicode's default-ignorable ones, the format characters, the spaces), and those of
 * them that belong to what they follow: a variation selector after the character it selects a form of (an emoji's
 * presentation, `❤️`; a Han ideograph's variant, `漢︀`; a Mongolian letter's form: `selects`),
 * and the tags of a whole flag sequence (Scotland's `🏴󠁧󠁢󠁳󠁣󠁴󠁿`: the black flag, tags, a cancel tag). Such a one is part of
 * the text; any other is padding, or a character a reader cannot see (red65 H2; red65b H2; red65c H4 and red65d H1:
 * `acme\u200b\ufe0f` and `acme\u{e0067}\u{e007f}` were taken for an emoji's and a flag's, and billed as customers of
 * their own; red65d H2: `漢\ufe00` was refused).
 */
const NOTHING = /[\s\p{Default_Ignorable_Code_Point}]/u;
const SHOWN_AS_NOTHING = /[\p{Cf}\p{Zs}\p{Default_Ignorable_Code_Point}]/u;
const SELECTOR = /[\u180b-\u180d\u180f\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;
const TAG = /[\u{e0020}-\u{e007e}]/u;
const CANCEL_TAG = "\u{e007f}";
const FLAG = "\u{1f3f4}";

/** Tags a flag sequence holds at most: a region's code, `gbsct`, is 5 or 6; the walk stops past it, in one pass whatever the run (red65e M1). */
const FLAG_TAGS = 8;

/**
 * Whether a variation selector selects a form of the character before it: an emoji's presentation (FE0E, FE0F), a
 * math operator's (FE00, FE01, the blocks of mathematical operators) or a compatibility ideograph's (FE00 to FE02) standardized variant, an ideograph's variant
 * (the ideographic selectors), a Mongolian letter's form. Other scripts' few standardized variants (Myanmar's, Phags-pa's)
 * are taken for padding: rare in ids, and the account file naming such an id keeps it. After another character (`café\ufe0f`, a combining mark) it selects nothing,
 * and is padding (red65e H1).
 */
function selects(selector: string, before: string): boolean {
  const code = selector.codePointAt(0)!;
  if (code === 0xfe0e || code === 0xfe0f) return /\p{Extended_Pictographic}/u.test(before) && before.codePointAt(0)! > 0x7f;
  // The standardized variants of a math symbol (FE00, FE01) and of a CJK compatibility ideograph (FE00 to FE02); never
  // after ASCII (red65f H1: `acme+\ufe00` billed as a customer of its own).
  if (before.codePointAt(0)! <= 0x7f) return false;
  const base = before.codePointAt(0)!;
  if (code <= 0xfe01 && ((base >= 0x2200 && base <= 0x22ff) || (base >= 0x2a00 && base <= 0x2aff))) return true;
  if (code >= 0xfe00 && code <= 0xfe02) return /\p{Script=Han}/u.test(before);
  if (code >= 0xfe03 && code <= 0xfe0d) return false;
  if (code >= 0xe0100) return /\p{Script=Han}/u.test(before);
  return /\p{Script=Mongolian}/u.test(before) && /\p{L}/u.test(before);
}

/** Whether `chars[i]`, a character that shows as nothing, is part of what it follows. */
function partOf(chars: readonly string[], i: number): boolean {
  const c = chars[i]!;
  if (SELECTOR.test(c)) {
    const before = chars[i - 1];
    return before !== undefined && selects(c, before);
  }
  if (c !== CANCEL_TAG && !TAG.test(c)) return false;
  // A flag sequence whole: the flag, at least one tag and at most FLAG_TAGS (a region's code), the cancel tag.
  let start = c === CANCEL_TAG ? i : i + 1;
  while (start > 0 && i - start < FLAG_TAGS && TAG.test(chars[start - 1]!)) start--;
  let end = i;
  while (end < chars.length && end - i < FLAG_TAGS && TAG.test(chars[end]!)) end++;
  const tags = (c === CANCEL_TAG ? i : end) - start;
  return chars[start - 1] === FLAG && tags > 0 && chars[c === CANCEL_TAG ? i : end] === CANCEL_TAG;
}

/** Whether a text ends in padding: a space or a character that shows as nothing and is not part of what it follows. */
export function paddedEnd(text: string): boolean {
  const code = text.charCodeAt(text.length - 1);
  // Most ids end in a visible ASCII character: told without splitting the text.
  if (Number.isNaN(code) || (code > 0x20 && code < 0x7f)) return false;
  const chars = [...text.slice(-64)];
  return NOTHING.test(chars.at(-1)!) && !partOf(chars, chars.length - 1);
}

/** Whether a text starts with padding. */
export function paddedStart(text: string): boolean {
  const code = text.codePointAt(0);
  if (code === undefined || (code > 0x20 && code < 0x7f)) return false;
  return NOTHING.test(String.fromCodePoint(code));
}

/** A text without the padding around it, what belongs to what it follows kept; in one pass, whatever its length (red65d M1). */
export function unpadded(text: string): string {
  const chars = [...text];
  let start = 0;
  while (start < chars.length && NOTHING.test(chars[start]!)) start++;
  let end = chars.length;
  while (end > start && NOTHING.test(chars[end - 1]!) && !partOf(chars, end - 1)) end--;
  return chars.slice(start, end).join("");
}

/** A text with each character that shows as nothing, or as a space other than the plain one, escaped, but those part of what they follow. */
export function escapedInvisible(text: string, escape: (c: string) => string): string {
  if (!/[^\x20-\x7e]/.test(text)) return text;
  const chars = [...text];
  return chars.map((c, i) => (c !== " " && SHOWN_AS_NOTHING.test(c) && !partOf(chars, i) ? escape(c) : c)).join("");
}
