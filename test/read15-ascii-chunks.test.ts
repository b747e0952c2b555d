import { describe, expect, it } from "vitest";
import { NeedsFullParser } from "../src/usage/plain-csv.js";
import type { ScannedBatch } from "../src/usage/scanned-batch.js";
import { scanner } from "./helpers/fliplet-scanner.js";

// The scanner looks at each chunk for bytes past ASCII once (read15): a new shape's line in an ASCII chunk is
// not looked at again, one in a chunk with such bytes is checked as UTF-8 and its cells decoded as UTF-8. What a
// chunk was must not leak into the next: an ASCII chunk, then one with "café" or bytes that are not UTF-8, read
// whole or cut anywhere (a line joined across the cut is looked at as joined).
const HEADER = "timestamp,meter,quantity,project,user";
const ROWS = ["2026-09-01T00:00:00Z,data_read,2,p1,", "2026-09-01T00:00:01Z,end_user_open,1,p1,u1", "2026-09-01T00:00:02Z,data_read,3,p2,"];


/** The file's bytes scanned in chunks cut at `cuts` (byte offsets): every new shape's cell texts, in order. */
function cellTexts(file: Buffer, cuts: number[]): string[] {
  const s = scanner();
  const batches: ScannedBatch[] = [];
  let from = 0;
  for (const cut of [...cuts, file.length]) {
    batches.push(...s.scan(file.subarray(from, cut), cut === file.length));
    from = cut;
  }
  return batches.flatMap((b) => b.values);
}

describe("chunks looked at for bytes past ASCII once (read15)", () => {
  const cafe = Buffer.from([HEADER, ...ROWS, "2026-09-01T00:00:03Z,end_user_open,1,café,u2"].join("\n") + "\n");
  const cuts = [...Array(cafe.length - 1).keys()].map((k) => k + 1);

  it("decode a new shape's cell as UTF-8 in the chunk after an ASCII one, wherever the file is cut", () => {
    for (const cut of cuts) {
      const texts = cellTexts(cafe, [cut]);
      expect(texts).toContain("café");
      expect(texts).not.toContain("cafÃ©");
    }
    expect(cellTexts(cafe, [cafe.indexOf("café")])).toContain("café");
  });

  it("refuse a new shape's line that is not UTF-8 after an ASCII chunk (the plain reader reports it)", () => {
    const bad = Buffer.concat([Buffer.from([HEADER, ...ROWS, "2026-09-01T00:00:03Z,end_user_open,1,p"].join("\n")), Buffer.from([0xff]), Buffer.from(",u2\n")]);
    for (const cut of [bad.indexOf(0xff), bad.indexOf(0xff) + 1, bad.lastIndexOf(ROWS[2]!)]) expect(() => cellTexts(bad, [cut])).toThrow(NeedsFullParser);
  });
});
