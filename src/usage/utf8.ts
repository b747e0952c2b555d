import { Transform, type TransformCallback } from "node:stream";
import { UserError } from "../errors.js";

/**
 * Passes bytes through unchanged while checking they are UTF-8, so that a
 * Latin-1 export is refused at its line instead of being read with replacement
 * characters.
 */
export function utf8Guard(file: string): Transform {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const at = { line: 1, column: 1 };
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        done(notUtf8(file, chunk, at));
        return;
      }
      advance(at, chunk, chunk.length);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      try {
        decoder.decode();
        done();
      } catch {
        done(new UserError("file is not UTF-8", { file, ...at }, "UTF-8 text", "a truncated character at the end"));
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
