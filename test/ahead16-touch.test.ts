import { describe, expect, it } from "vitest";
import { COVERED_FLOW, KnownShapes, UNIQUE_CHARGED } from "../src/engine/fast/known-shapes.js";
import type { ShapeFacts } from "../src/engine/full-path.js";

// KnownShapes.touch reads ahead the entries the known path is about to read (docs/performance.md, ahead16):
// it must read only the rows asked for, and a shape past the table (none of its rows shown yet) as nothing.
const flow: ShapeFacts = { unique: false, gauge: false, whole: false, run: 0, detail: 7, slot: 2, itemUnits: -1, parts: undefined, rooms: undefined };
const item: ShapeFacts = { unique: true, gauge: false, whole: false, run: 0, detail: 1, slot: 3, itemUnits: 5, parts: undefined, rooms: undefined };

describe("KnownShapes.touch", () => {
  const known = new KnownShapes();
  known.set(4, COVERED_FLOW, flow);
  known.set(9, UNIQUE_CHARGED, item);

  it("reads the entries of the rows from..to, their how in the low bits", () => {
    const shapes = Int32Array.of(4, 9, 0);
    expect(known.touch(shapes, 0, 1) & 3).toBe(COVERED_FLOW);
    expect(known.touch(shapes, 1, 2) & 3).toBe(UNIQUE_CHARGED);
    expect(known.touch(shapes, 0, 2) & 3).toBe(COVERED_FLOW | UNIQUE_CHARGED);
    // Shape 0 is unknown: nothing read.
    expect(known.touch(shapes, 2, 3)).toBe(0);
    expect(known.touch(shapes, 2, 2)).toBe(0);
  });

  it("reads a shape past the table as nothing", () => {
    expect(known.touch(Int32Array.of(1 << 20), 0, 1)).toBe(0);
  });
});
