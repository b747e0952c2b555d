import { describe, expect, it } from "vitest";
import { burnrateJson } from "./helpers/cli.js";

// Every line of the Fliplet document's "Typical scenarios" table, as a scenario
// file simulated by the real CLI and priced by the one engine.
interface Cycle { start: string; total: string; by_category: Record<string, string>; topup_needed: string; money: string }
interface Plan { plan: string; cycles: Cycle[] }

async function simulate(name: string): Promise<Plan> {
  const out = await burnrateJson(["simulate", `fixtures/scenarios/fliplet/${name}.yaml`]);
  expect(out.schema).toBe("burnrate.simulation/v1");
  return out.plans[0] as Plan;
}

const totals = (p: Plan) => p.cycles.map((c) => c.total);

describe("Fliplet typical scenarios, simulated", () => {
  it("keeping one project: 0.5 credits per project per month", async () => {
    expect(totals(await simulate("project-kept"))).toEqual(["0.5", "0.5"]);
  });

  it("publishing one project to the web: 2 credits per month", async () => {
    expect(totals(await simulate("publish-web"))).toEqual(["2", "2"]);
  });

  it("publishing to both iOS and Android: 6 credits per month (3 each)", async () => {
    expect(totals(await simulate("publish-ios-android"))).toEqual(["6", "6"]);
  });

  it("private distribution adds 2 credits per platform: 10 per month", async () => {
    expect(totals(await simulate("publish-ios-android-private"))).toEqual(["10", "10"]);
  });

  it("storing 1 GB: 4 credits per GB per month, from the first cycle start after it is stored", async () => {
    const p = await simulate("storage-1gb");
    expect(totals(p)).toEqual(["0", "4"]);
    expect(p.cycles[1]!.by_category).toEqual({ storage: "4" });
  });

  it("100 unique end-users in a month: 25 credits", async () => {
    expect(totals(await simulate("end-users-100"))).toEqual(["25"]);
  });

  it("1,000 unique end-users in a month: 250 credits for the opens", async () => {
    const p = await simulate("end-users-1000");
    expect(totals(p)).toEqual(["250"]);
    expect(p.cycles[0]!.by_category).toEqual({ end_users: "250" });
  });

  it("an email to 1,000 recipients: 100 credits", async () => {
    expect(totals(await simulate("email-1000"))).toEqual(["100"]);
  });

  it("100 SMS messages: 50 credits", async () => {
    expect(totals(await simulate("sms-100"))).toEqual(["50"]);
  });

  it("an automation every hour for a 30-day month: 108 credits (0.15 x 24 x 30)", async () => {
    const p = await simulate("automation-hourly");
    expect(p.cycles).toHaveLength(1);
    expect(p.cycles[0]).toMatchObject({ start: "2026-11-01T00:00:00Z", total: "108", by_category: { other: "108" } });
  });

  it("the headline case: 1,000 end-users plus hourly automations on Pro", async () => {
    const p = await simulate("headline");
    const first = p.cycles[0]!;
    // 1,000 users: 250 for the opens, 250 + 150 for 25 reads and 3 writes each;
    // 720 hourly runs 108; 21 weekday digests of 50 pushes (November 2026 starts
    // on a Sunday) 21; the newsletter 100;
    // project 0.5, web 2, iOS 3, Android 3. Storage and records start in cycle 2.
    expect(first.by_category).toEqual({ projects: "8.5", end_users: "650", communications: "121", other: "108" });
    expect(first.total).toBe("887.5");
    expect(first.money).toBe("9");
  });
});
