import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { burnrate } from "./helpers/cli.js";
import { floopyNewYork } from "./helpers/floopy-new-york.js";

/**
 * A New York account on Floopy, whose provider bills UTC months: an event at 2026-11-01T02:00Z is October in New
 * York and November on the bill. Floopy prices a request by its tokens (ratecards/floopy.yaml), in cents:
 * gpt-4o/openai 0.00025 an input token, 0.001 an output token; gpt-4o/azure 0.000275 and 0.0011.
 */
const HEADER = "timestamp,meter,model,provider,input_tokens,output_tokens,event_id";

/** Exit code and the lines of a reconcile run, each by its meter and provider. */
async function reconcile(usage: readonly string[], bill: readonly string[]) {
  const { dir, account } = floopyNewYork("bound19-", { grants: { acme: 100000 }, header: HEADER, usage, bill });
  const r = await burnrate(["reconcile", "--account", account, "--usage", join(dir, "usage.csv"), "--bill", join(dir, "bill.csv"), "--format", "json"]);
  const json = JSON.parse(r.stdout) as { lines: { meter: string; dimensions: Record<string, string>; class: string | null; explanation: string | null }[] };
  const line = (meter: string, provider: string) => json.lines.find((l) => l.meter === meter && l.dimensions.provider === provider);
  return { code: r.code, line };
}

// Each of these requests costs 100003 x 0.00025 + 10007 x 0.001 = 25.00075 + 10.007 = 35.00775 cents.
const BIG = "gpt-4o,openai,100003,10007";
const USAGE = [
  `2026-10-15T12:00:00Z,request,${BIG},r1`,
  `2026-11-01T02:00:00Z,request,${BIG},r2`, // October in New York, November at UTC
  `2026-11-15T12:00:00Z,request,${BIG},r3`,
  `2026-12-15T12:00:00Z,request,${BIG},r5`,
];

describe("a bill in dollars cut at UTC midnight is a boundary shift (newcomer, stop 37)", () => {
  it("the UTC month's two requests, 2 x 35.00775 = 70.0155 cents, billed 0.70 USD: boundary_shift, rounded to the cent", async () => {
    const { code, line } = await reconcile(USAGE, ["period_start,activity,model,provider,quantity,amount,currency", "2026-11-01,request,gpt-4o,openai,2,0.70,USD"]);
    // At the bill's cut what is left is the cent's rounding: explained, and it passes (newcomer, stop 38; it was exit 1).
    expect(code).toBe(0);
    const request = line("request", "openai")!;
    expect(request.class).toBe("boundary_shift");
    expect(request.explanation).toContain("00:00 UTC");
    // Replayed at UTC the line is 70.0155 cents, which the bill's 0.70 USD (70 cents) is to the nearest cent.
    expect(request.explanation).toContain("quantity 2, 70.0155 cents, as billed once rounded: the bill rounds 70.0155 to 70");
  });

  it("a repeat that fits the line only through the cent does not claim it where the boundary explains the bill", async () => {
    // azure: a1 costs 100000 x 0.000275 + 10000 x 0.0011 = 27.5 + 11 = 38.5; its repeat (same id) is counted once.
    // z1, October in New York: 100003 x 0.000275 + 10007 x 0.0011 = 27.500825 + 11.0077 = 38.508525.
    // The UTC month bills a1 + z1 = 77.008525 cents, 0.77 USD; a1 and its repeat, 77.0, round to 0.77 as well.
    const usage = [
      ...USAGE,
      "2026-11-01T03:00:00Z,request,gpt-4o,azure,100003,10007,z1",
      "2026-11-10T12:00:00Z,request,gpt-4o,azure,100000,10000,a1",
      "2026-11-10T12:05:00Z,request,gpt-4o,azure,100000,10000,a1",
    ];
    const { code, line } = await reconcile(usage, [
      "period_start,activity,model,provider,quantity,amount,currency",
      "2026-11-01,request,gpt-4o,openai,2,0.70,USD",
      "2026-11-01,request,gpt-4o,azure,2,0.77,USD",
    ]);
    // Both lines as billed at the UTC cut once rounded to the cent: they pass (newcomer, stop 38; it was exit 1).
    expect(code).toBe(0);
    expect(line("request", "openai")!.class).toBe("boundary_shift");
    const azure = line("request", "azure")!;
    expect(azure.class).toBe("boundary_shift");
    expect(azure.explanation).toContain("quantity 2, 77.008525 cents");
  });

  it("a repeat alone is no proof of a boundary: the one line both explain stays duplicate_events", async () => {
    // The same azure line, billed on its own: nothing but the line the repeat fits says the bill is cut at UTC.
    const usage = [
      "2026-11-01T03:00:00Z,request,gpt-4o,azure,100003,10007,z1",
      "2026-11-10T12:00:00Z,request,gpt-4o,azure,100000,10000,a1",
      "2026-11-10T12:05:00Z,request,gpt-4o,azure,100000,10000,a1",
    ];
    const { line } = await reconcile(usage, ["period_start,activity,model,provider,quantity,amount,currency", "2026-11-01,request,gpt-4o,azure,2,0.77,USD"]);
    expect(line("request", "azure")!.class).toBe("duplicate_events");
  });
});

describe("a bill by token component is tested for a boundary shift (newcomer, stop 37)", () => {
  it("input and output token lines of the UTC month: boundary_shift on each", async () => {
    // r2 and r3: 2 x 100003 = 200006 input tokens x 0.00025 = 50.0015; 2 x 10007 = 20014 output tokens x 0.001 = 20.014.
    const { code, line } = await reconcile(USAGE, [
      "period_start,activity,model,provider,quantity,amount",
      "2026-11-01,request:input_tokens,gpt-4o,openai,200006,50.0015",
      "2026-11-01,request:output_tokens,gpt-4o,openai,20014,20.014",
    ]);
    // Both lines exactly as billed at the UTC cut: they pass (newcomer, stop 38; it was exit 1).
    expect(code).toBe(0);
    expect(line("request:input_tokens", "openai")).toMatchObject({ class: "boundary_shift" });
    expect(line("request:input_tokens", "openai")!.explanation).toContain("quantity 200006, 50.0015 cents, as billed");
    expect(line("request:output_tokens", "openai")).toMatchObject({ class: "boundary_shift" });
    expect(line("request:output_tokens", "openai")!.explanation).toContain("quantity 20014, 20.014 cents, as billed");
  });

  it("a boundary that moves as many requests in as out is tested before the price is blamed", async () => {
    // Small requests, 1000 x 0.00025 + 100 x 0.001 = 0.35 cents; d1 (Dec 1 02:00Z, Nov 30 in New York) is three
    // times that, 1.05. New York's November is n1 + d1 = 1.4 cents; the UTC month n0 + n1 = 0.7, 2 requests either way.
    const usage = [
      "2026-10-15T12:00:00Z,request,gpt-4o,openai,1000,100,o1",
      "2026-11-01T02:00:00Z,request,gpt-4o,openai,1000,100,n0",
      "2026-11-15T12:00:00Z,request,gpt-4o,openai,1000,100,n1",
      "2026-12-01T02:00:00Z,request,gpt-4o,openai,3000,300,d1",
      "2026-12-15T12:00:00Z,request,gpt-4o,openai,1000,100,d2",
    ];
    const { line } = await reconcile(usage, ["period_start,activity,model,provider,quantity,amount", "2026-11-01,request,gpt-4o,openai,2,0.7"]);
    const request = line("request", "openai")!;
    expect(request.class).toBe("boundary_shift");
    expect(request.explanation).toContain("1 event(s) moved in, 1 event(s) moved out");
  });
});
