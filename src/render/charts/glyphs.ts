/** The characters a terminal chart is drawn with. */
export interface Glyphs {
  /** Fill of a cell from below, by eighths: index 8 is a full cell. */
  rise: readonly string[];
  /** Fill of a cell from above, by eighths, for grace used below the zero line. */
  hang: readonly string[];
  /** Fill of a cell from the left, by eighths, for the end of a bar. */
  bar: readonly string[];
  axis: { vertical: string; horizontal: string; corner: string; zero: string; tick: string; labelTick: string };
  marks: { threshold: string; grace: string; exhausted: string; payment: string };
  separator: string;
  ellipsis: string;
}

const UNICODE: Glyphs = {
  rise: [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
  hang: [" ", "▔", "▔", "▀", "▀", "▀", "▀", "█", "█"],
  bar: ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"],
  axis: { vertical: "│", horizontal: "─", corner: "└", zero: "┼", tick: "┬", labelTick: "┤" },
  marks: { threshold: "▲", grace: "◆", exhausted: "✕", payment: "+" },
  separator: "·",
  ellipsis: "…",
};

const ASCII: Glyphs = {
  rise: [" ", " ", "_", "_", "_", "=", "=", "#", "#"],
  hang: [" ", " ", "~", "~", "~", "=", "=", "#", "#"],
  bar: ["", "#", "#", "#", "#", "#", "#", "#", "#"],
  axis: { vertical: "|", horizontal: "-", corner: "+", zero: "+", tick: "+", labelTick: "|" },
  marks: { threshold: "^", grace: "G", exhausted: "X", payment: "+" },
  separator: "-",
  ellipsis: "...",
};

/**
 * Box and block characters only where the locale says the terminal speaks
 * UTF-8: the first of LC_ALL, LC_CTYPE and LANG that is set decides, as in
 * C's setlocale. No locale at all (a bare container, a cron job) is ASCII.
 */
export function glyphsFor(env: Readonly<Record<string, string | undefined>>): Glyphs {
  const locale = [env.LC_ALL, env.LC_CTYPE, env.LANG].find((v) => v !== undefined && v !== "") ?? "";
  return /utf-?8/i.test(locale) ? UNICODE : ASCII;
}
