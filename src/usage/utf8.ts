import { Transform, type TransformCallback } from "node:stream";
import { UserError } from "../errors.js";

/**
 * Passes bytes through unchanged while checking they are UTF-8, so that a
 * Latin-1 export is refused at its line instead of being read with replacement
 * characters.
 */
export function utf8Guard(file: string): Transform {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let line = 1;
  let column = 1;
  const advance = (chunk: Buffer, upTo: number) => {
    for (let i = 0; i < upTo; i++) {
      if (chunk[i] === 10) {
        line++;
        column = 1;
      } else if ((chunk[i]! & 0xc0) !== 0x80) {
        column++;
      }
    }
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        const bad = firstInvalid(chunk);
        advance(chunk, bad);
        done(new UserError("file is not UTF-8", { file, line, column }, "UTF-8 text", `the byte 0x${(chunk[bad] ?? 0).toString(16)}`));
        return;
      }
      advance(chunk, chunk.length);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      try {
        decoder.decode();
        done();
      } catch {
        done(new UserError("file is not UTF-8", { file, line, column }, "UTF-8 text", "a truncated character at the end"));
      }
    },
  });
}

/** The offset of the first byte that cannot start or continue a UTF-8 sequence. */
function firstInvalid(chunk: Buffer): number {
  for (let i = 0; i < chunk.length; ) {
    const b = chunk[i]!;
    const size = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (size === 0) return i;
    for (let k = 1; k < size; k++) if (i + k < chunk.length && (chunk[i + k]! & 0xc0) !== 0x80) return i;
    i += size;
  }
  return chunk.length;
}
