import { describe, expect, it } from "vitest";
import { burnrateJson } from "./helpers/cli.js";

// Every number of the Fliplet document's "Typical scenarios" table, out of the real CLI.
const ACCOUNT = "fixtures/fliplet/typical/account.yaml";

async function cycles(file: string, extra: string[] = []) {
  const out = await burnrateJson(["statement", "--account", ACCOUNT, "--usage", `fixtures/fliplet/typical/${file}`, ...extra]);
  return out.accounts[0].cycles as { start: string; total: string; lines: { meter: string; kind: string; amount: string; quantity: string }[] }[];
}

describe("Fliplet typical scenarios", () => {
  it("keeping one project costs 0.5 per month, again at the next cycle start", async () => {
    const c = await cycles("project-kept.csv", ["--through", "2026-12-01"]);
    expect(c.map((x) => x.total)).toEqual(["0.5", "0.5"]);
    expect(c.map((x) => x.lines[0]!.kind)).toEqual(["usage", "recurring"]);
  });

  it("publishing one project to the web costs 2 per month", async () => {
    expect((await cycles("publish-web.csv"))[0]!.total).toBe("2");
  });

  it("publishing to both iOS and Android costs 6 (3 each)", async () => {
    const [c] = await cycles("publish-ios-android.csv");
    expect(c!.total).toBe("6");
    expect(c!.lines.map((l) => l.amount)).toEqual(["3", "3"]);
  });

  it("private distribution adds 2 per platform", async () => {
    expect((await cycles("publish-ios-android-private.csv"))[0]!.total).toBe("10");
  });

  it("storing 1 GB costs 4 per GB per month, billed at the cycle start", async () => {
    const c = await cycles("storage-1gb.csv", ["--anchor", "2026-10-01", "--through", "2026-11-01"]);
    expect(c.map((x) => x.total)).toEqual(["0", "4"]);
    expect(c[1]!.lines).toMatchObject([{ meter: "storage_added", kind: "gauge", quantity: "1", amount: "4" }]);
  });

  it("100 unique end-users in a month cost 25", async () => {
    expect((await cycles("end-users-100.csv"))[0]!.total).toBe("25");
  });

  it("1,000 unique end-users in a month cost 250", async () => {
    expect((await cycles("end-users-1000.csv"))[0]!.total).toBe("250");
  });

  it("an email to 1,000 recipients costs 100", async () => {
    expect((await cycles("email-1000.csv"))[0]!.total).toBe("100");
  });

  it("100 SMS cost 50", async () => {
    expect((await cycles("sms-100.csv"))[0]!.total).toBe("50");
  });

  it("an automation that runs hourly for a 30-day month costs 108", async () => {
    const c = await cycles("automation-hourly.csv");
    expect(c).toHaveLength(1);
    expect(c[0]!.start).toBe("2026-11-01T00:00:00Z");
    expect(c[0]!.lines).toMatchObject([{ meter: "automation_run", quantity: "720", amount: "108" }]);
    expect(c[0]!.total).toBe("108");
  });
});
