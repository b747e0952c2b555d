/**
 * Bytes cut at the given offsets into chunks, as a stream might hand them over:
 * readers must not care where. With `reuse`, every chunk comes in one buffer,
 * scribbled over before the next is copied in, as a reader filling one buffer
 * again and again hands them over: a reader must not keep a chunk it was given.
 */
export async function* chunked(bytes: Buffer, cuts: readonly number[], reuse = false): AsyncGenerator<Buffer> {
  const shared = Buffer.alloc(bytes.length);
  const hand = (chunk: Buffer) => {
    if (!reuse) return chunk;
    shared.fill(0x2c);
    chunk.copy(shared);
    return shared.subarray(0, chunk.length);
  };
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const at = Math.min(bytes.length, cut);
    if (at > from) yield hand(bytes.subarray(from, at));
    from = Math.max(from, at);
  }
  yield hand(bytes.subarray(from));
}
