/** Bytes cut at the given offsets into chunks, as a stream might hand them over: readers must not care where. */
export async function* chunked(bytes: Buffer, cuts: readonly number[]): AsyncGenerator<Buffer> {
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const at = Math.min(bytes.length, cut);
    if (at > from) yield bytes.subarray(from, at);
    from = Math.max(from, at);
  }
  yield bytes.subarray(from);
}
