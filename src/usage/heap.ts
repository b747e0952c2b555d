/**
 * Move `heap[index]` down a binary min-heap ordered by `before` to its place:
 * the order stages merge sorted runs through one (reorder.ts in memory,
 * row-sort.ts from disk).
 */
export function siftDown<T>(heap: T[], index: number, before: (a: T, b: T) => boolean): void {
  const item = heap[index]!;
  for (;;) {
    let child = 2 * index + 1;
    if (child >= heap.length) break;
    if (child + 1 < heap.length && before(heap[child + 1]!, heap[child]!)) child++;
    if (!before(heap[child]!, item)) break;
    heap[index] = heap[child]!;
    index = child;
  }
  heap[index] = item;
}
