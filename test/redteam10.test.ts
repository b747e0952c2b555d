import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate, ROOT } from "./helpers/cli.js";

/** Red team 10's finding: a token-priced meter's rows in a file with no token columns were priced at 0 by the row scanner, exit 0. */
describe("a meter priced by components, in a file without their columns", () => {
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), "burnrate-nocomp-"));
    const card = join(ROOT, "ratecards/floopy.yaml");
    const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
    write("account.yaml", `card: ${card}\naccount: acme\nplan: pro\nanchor: 2026-11-01\ntimezone: UTC\ngrants:\n  - { kind: purchase, amount: 2000, at: "2026-11-01T08:00:00Z" }\n`);
    return { dir, write };
  };
  /** The statement of the usage files, refused at `file`'s first row. */
  const refusedAt = async (dir: string, usage: string[], file: string, found = "no such column") => {
    const out = await burnrate(["statement", "--account", join(dir, "account.yaml"), ...usage.flatMap((u) => ["--usage", join(dir, u)])]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`burnrate: error: ${join(dir, file)}:2:1: meter "request" needs a quantity of "input_tokens" (expected a plain decimal, found ${found})\n`);
  };

  it("is refused at its first row, never priced as no tokens", async () => {
    const { dir, write } = folder();
    write("usage.csv", "timestamp,account,meter,model,provider,team,quantity,event_id\n2026-11-02T10:00:00Z,acme,request,gpt-4o,openai,research,1,r1\n");
    await refusedAt(dir, ["usage.csv"], "usage.csv");
  });

  it("is refused where a mapping ignores the token columns", async () => {
    const { dir, write } = folder();
    write("gateway.csv", "created_at,org,kind,model,provider,team,prompt_tokens,completion_tokens,requests,request_id\n2026-11-02T10:00:00Z,acme,request,gpt-4o,openai,research,1000,200,1,r-1\n");
    write("gateway.csv.mapping.yaml", "columns: { timestamp: created_at, account: org, meter: kind, quantity: requests, event_id: request_id }\nignore_columns: [prompt_tokens, completion_tokens]\n");
    // The ignored columns are named, with the rename that reads one as the component (newcomer53 L5).
    await refusedAt(dir, ["gateway.csv"], "gateway.csv", 'no such column; the mapping ignores "prompt_tokens", "completion_tokens": where one of them holds "input_tokens", rename: { COLUMN: input_tokens } in place of ignore_columns: (--map dim:input_tokens=COLUMN)');
  });

  it("is refused in a second file without the columns, after a first file with them", async () => {
    const { dir, write } = folder();
    write("a.csv", "timestamp,account,meter,model,provider,team,input_tokens,output_tokens,quantity,event_id\n2026-11-02T10:00:00Z,acme,request,gpt-4o,openai,research,1000,200,1,r1\n");
    write("b.csv", "timestamp,account,meter,model,provider,team,quantity,event_id\n2026-11-03T10:00:00Z,acme,request,gpt-4o,openai,research,1,r2\n");
    await refusedAt(dir, ["a.csv", "b.csv"], "b.csv");
  });
});
