import { describe, expect, it } from "vitest";
import { burnrate, burnrateJson } from "./helpers/cli.js";

interface Cycle { start: string; money: Record<string, string | null> | null }
interface Doc { accounts: { account: string; cycles: Cycle[] }[] }

const money = (doc: Doc, account: string) => doc.accounts.find((a) => a.account === account)!.cycles.map((c) => c.money);

describe("money beside credits in a statement", () => {
  it("Fliplet Pro: the plan's $9 each cycle and top-ups at $0.01 a credit (200 in cycle 2, 150 in cycle 3)", async () => {
    const doc = (await burnrateJson(["statement", "--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv"])) as Doc;
    expect(money(doc, "acme")).toEqual([
      { currency: "USD", plan: "9", credits_bought: "0", bought: "0", overage: "0", total: "9" },
      { currency: "USD", plan: "9", credits_bought: "200", bought: "2", overage: "0", total: "11" },
      { currency: "USD", plan: "9", credits_bought: "150", bought: "1.5", overage: "0", total: "10.5" },
    ]);
  });

  it("Floopy: purchases and the subscription top-up in cents, and overage billed in money as the card says", async () => {
    const doc = (await burnrateJson(["statement", "--account", "fixtures/floopy/account.yaml", "--usage", "fixtures/floopy/gateway.csv"])) as Doc;
    // acme (Pro, $20): a 2,000-cent purchase and the 5,000-cent subscription in November, the subscription alone in December.
    expect(money(doc, "acme").map((m) => [m!.credits_bought, m!.bought, m!.total])).toEqual([["7000", "70", "90"], ["5000", "50", "70"]]);
    // bolt (Free, overage on): 3,000 cents bought and 200 requests past the 1,000 quota at $0.002.
    expect(money(doc, "bolt")[0]).toEqual({ currency: "USD", plan: "0", credits_bought: "3000", bought: "30", overage: "0.4", total: "30.4" });
  });

  it("shows the money per cycle and the card's labels beside the meter keys in the table", async () => {
    const { stdout } = await burnrate(["statement", "--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv", "--format", "table"]);
    expect(stdout).toMatch(/Money \(USD\)\n +Item +Credits +Amount\n +Plan +9\.00\n +Credits bought +200 +2\.00\n +Total +11\.00/);
    expect(stdout).toMatch(/\n +data_read +Data reads\n/);
    expect(stdout).toMatch(/\n +project_created +Projects, Project kept\n/);
  });

  it("shows the money in HTML too", async () => {
    const { stdout } = await burnrate(["statement", "--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv", "--format", "html"]);
    expect(stdout).toContain("Money (USD)");
    expect(stdout).toContain("10.50");
  });
});
