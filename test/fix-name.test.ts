import { describe, expect, it } from "vitest";
import { fixName } from "../src/usage/layout.js";

// red70c L2: a column's name that needs quotes was offered in a fix as a placeholder (`--map event_id=COLUMN`).
describe("a column's name in a fix (fixName)", () => {
  it("is plain where plain, double-quoted where it holds a space, single-quoted for the shell where $, ! or a quote is special in double quotes", () => {
    const name = (text: string) => {
      const fix = fixName(text, "COLUMN");
      return [fix.yaml, fix.map("event_id=")];
    };
    expect(name("request_id")).toEqual(["request_id", "--map event_id=request_id"]);
    expect(name("Event ID")).toEqual(['"Event ID"', '--map "event_id=Event ID"']);
    expect(name("it's id")).toEqual(['"it\'s id"', `--map "event_id=it's id"`]);
    expect(name("cost $")).toEqual(['"cost $"', "--map 'event_id=cost $'"]);
    expect(name('say "hi" it\'s')).toEqual(['"say \\"hi\\" it\'s"', `--map 'event_id=say "hi" it'\\''s'`]);
    // Past printable ASCII (a no-break space, a line break) or 40 characters: the placeholder, the message shows the name.
    expect(name("Event\u00a0ID")).toEqual(["COLUMN", "--map event_id=COLUMN"]);
    expect(name("x ".repeat(21))).toEqual(["COLUMN", "--map event_id=COLUMN"]);
  });

  // red71b M3, L7, L1.
  it("has no flag for a name holding = before the flag's own, quotes - alone in the mapping, and takes text after the name", () => {
    expect(fixName("a=b", "COLUMN").map("ignore:")).toBeUndefined();
    expect(fixName("a=b", "COLUMN").map("skip:", "=VALUE")).toBeUndefined();
    expect(fixName("a=b", "COLUMN").map("dim:NAME=")).toBe('--map "dim:NAME=a=b"');
    expect(fixName("a=b", "COLUMN").yaml).toBe('"a=b"');
    expect([fixName("-", "COLUMN").yaml, fixName("-", "COLUMN").map("ignore:")]).toEqual(['"-"', "--map ignore:-"]);
    expect(fixName("-x", "COLUMN").yaml).toBe("-x");
    expect(fixName("Response Status", "COLUMN").map("skip:", "=VALUE[,VALUE]")).toBe('--map "skip:Response Status=VALUE[,VALUE]"');
    expect(fixName("it's $", "COLUMN").map("skip:", "=x")).toBe("--map 'skip:it'\\''s $=x'");
  });
});
