import { Transform, type TransformCallback } from "node:stream";
import { UserError } from "../errors.js";
import { wholeCharactersEnd } from "./csv-bytes.js";

/**
 * Passes bytes through unchanged while checking they are UTF-8, so that a
 * Latin-1 export is refused at its line instead of being read with replacement
 * characters.
 */
export function utf8Guard(file: string): Transform {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  // Where the bytes of `cut` start: a character the last chunk cut short, which a bad byte of the next chunk may end
  // (red57 F2: the bad sequence was looked for in the next chunk alone, and told past the file's end as byte 0x0).
  const at = { line: 1, column: 1 };
  let cut = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      const bytes = cut.length === 0 ? chunk : Buffer.concat([cut, chunk]);
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        done(notUtf8(file, bytes, { ...at }));
        return;
      }
      const whole = wholeCharactersEnd(bytes, 0);
      advance(at, bytes, whole);
      cut = Buffer.from(bytes.subarray(whole));
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      try {
        decoder.decode();
        done();
      } catch {
        done(truncatedAtEnd(file, cut, { ...at }));
      }
    },
  });
}

/** The error for bytes that are not UTF-8, at the line and character of the first bad byte; `at` is where `bytes` starts. */
export function notUtf8(file: string, bytes: Buffer, at: { line: number; column: number } = { line: 1, column: 1 }): UserError {
  const bad = firstInvalid(bytes);
  advance(at, bytes, bad);
  return new UserError("file is not UTF-8", { file, line: at.line, column: at.column }, "UTF-8 text", `the byte 0x${(bytes[bad] ?? 0).toString(16)}`);
}

/** The error for bytes that end within a character, at the character's first byte; `at` is where `bytes` starts. */
export function truncatedAtEnd(file: string, bytes: Buffer, at: { line: number; column: number }): UserError {
  advance(at, bytes, wholeCharactersEnd(bytes, 0));
  return new UserError("file is not UTF-8", { file, ...at }, "UTF-8 text", "a truncated character at the end");
}

/** Move a line and column over `bytes` up to `upTo`, counting characters, not bytes. */
function advance(at: { line: number; column: number }, bytes: Buffer, upTo: number): void {
  for (let i = 0; i < upTo; i++) {
    if (bytes[i] === 10) {
      at.line++;
      at.column = 1;
    } else if ((bytes[i]! & 0xc0) !== 0x80) {
      at.column++;
    }
  }
}

/**
 * The offset of the first byte that does not start a well-formed UTF-8 sequence. A lead byte's
 * second byte has a narrower range for some leads (Unicode's table 3-7): an overlong form, an
 * encoded surrogate (ED A0..BF, as a lone surrogate written by a careless encoder) or a code
 * point past U+10FFFF is refused by the decoder too, and must be found here, or the error
 * points past the chunk's end at a byte 0x0 that is not in the file.
 */
function firstInvalid(chunk: Buffer): number {
  for (let i = 0; i < chunk.length; ) {
    const b = chunk[i]!;
    const size = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (size === 0) return i;
    for (let k = 1; k < size && i + k < chunk.length; k++) {
      const c = chunk[i + k]!;
      const low = k > 1 ? 0x80 : b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
      const high = k > 1 ? 0xbf : b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
      if (c < low || c > high) return i;
    }
    i += size;
  }
  return chunk.length;
}
