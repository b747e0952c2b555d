import { isMap, isScalar, isSeq, type Node, type YAMLMap } from "yaml";

/**
 * Each mapping's values by key, made at the mapping's first lookup. A check after decoding asks where
 * each account of a file of 100,000 is (account.ts), and YAML's own getIn walks a mapping's pairs at
 * every lookup: 100,000 accounts took over three minutes to locate.
 */
const byKey = new WeakMap<YAMLMap, Map<string, unknown>>();

function valuesByKey(map: YAMLMap): Map<string, unknown> {
  let index = byKey.get(map);
  if (index === undefined) {
    index = new Map();
    for (const pair of map.items) {
      // A key that is not a scalar (a flow mapping as a key) is looked up by no path.
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      // The first of two equal keys, as getIn finds it (decodeYaml refuses the second).
      if (key !== undefined && !index.has(key)) index.set(key, pair.value);
    }
    byKey.set(map, index);
  }
  return index;
}

/** The node at `path` under `root`: a mapping's value by its key, a sequence's item by its index; undefined where there is none. */
export function nodeAt(root: unknown, path: readonly (string | number)[]): Node | undefined {
  let node = root;
  for (const step of path) {
    if (isMap(node)) node = valuesByKey(node).get(String(step));
    else if (isSeq(node)) node = node.items[Number(step)];
    else return undefined;
    if (node === undefined || node === null) return undefined;
  }
  return node as Node;
}
