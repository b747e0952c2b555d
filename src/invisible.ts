/**
 * Characters that show as nothing (Unicode's default-ignorable ones, the format characters, the spaces), and those of
 * them that belong to what they follow: an emoji's presentation selector (`❤️`), a Mongolian letter's form, an
 * ideograph's variant, a flag's tags (Scotland's `🏴󠁧󠁢󠁳󠁣󠁴󠁿`). Such a one is part of the text it ends; any other is
 * padding, or a character a reader cannot see (red65 H2, red65b H2, red65c H4: `acme\u200b\ufe0f` read as an emoji's).
 */
const PART_OF_WHAT_FOLLOWS = String.raw`(?!(?<=[\p{Extended_Pictographic}\p{Emoji}])[\ufe0e\ufe0f])(?!(?<=\p{Script=Mongolian})[\u180b-\u180d\u180f])(?!(?<=\p{Script=Han})[\u{e0100}-\u{e01ef}])(?!(?<=[\u{1f3f4}\u{e0020}-\u{e007e}])[\u{e0020}-\u{e007f}])`;

/** One character a message shows escaped: it shows as nothing, or as a space other than the plain one, where it is not part of what it follows. */
export const SHOWN_ESCAPED = new RegExp(String.raw`(?! )${PART_OF_WHAT_FOLLOWS}[\p{Cf}\p{Zs}\p{Default_Ignorable_Code_Point}]`, "gu");

/** Padding at the end of a text: a space or a character that shows as nothing, not part of what it follows. */
export const PADDED_END = new RegExp(String.raw`${PART_OF_WHAT_FOLLOWS}[\s\p{Default_Ignorable_Code_Point}]$`, "u");

/** Padding at the start of a text. */
export const PADDED_START = /^[\s\p{Default_Ignorable_Code_Point}]/u;
