import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveAccount } from "../../src/account/account.js";
import { loadAccount, loadCardFor } from "../../src/inputs.js";
import { statementJson } from "../../src/render/statement/json.js";
import { replayFiles, type Reader } from "../../src/replay/replay-files.js";

/** A gateway's export as the known-path fuzzes write it: its own column names, read through this mapping beside each log. */
const GATEWAY_MAPPING = "columns:\n  timestamp: created_at\n  account: org\n  meter: kind\n  quantity: requests\n  event_id: request_id\nrename:\n  prompt_tokens: input_tokens\n  completion_tokens: output_tokens\n";
const GATEWAY_HEADER = "created_at,org,kind,model,provider,team,prompt_tokens,completion_tokens,requests,request_id";

/** Files of one test file's cases, numbered in a folder of their own. */
export class GatewayFiles {
  private readonly dir: string;
  private files = 0;

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
  }

  write(name: string, text: string): string {
    const file = join(this.dir, `${this.files++}-${name}`);
    writeFileSync(file, text);
    return file;
  }

  /** A log of these rows (after the header), with the gateway's mapping beside it. */
  log(rows: readonly string[]): string {
    const file = this.write("log.csv", [GATEWAY_HEADER, ...rows].join("\n") + "\n");
    writeFileSync(`${file}.mapping.yaml`, GATEWAY_MAPPING);
    return file;
  }
}

/** The JSON statement of a log through one reader, or the error it ends with. */
export async function gatewayStatement(log: string, accountFile: string, reader: Reader, maxLateness: number | undefined): Promise<string> {
  const loaded = loadAccount(accountFile);
  const card = loadCardFor(undefined, loaded);
  const settings = resolveAccount(card, loaded, {});
  return replayFiles(card, settings, { files: [log], mappingFile: undefined, mapFlags: [], maxLateness }, undefined, reader).then(
    (s) => JSON.stringify(statementJson(s)),
    (e: Error) => `error: ${e.message}`,
  );
}

/** The top of the fuzzes' account files: acme on the card's enterprise plan, cycles from 2026-11-01 in UTC. */
export function gatewayAccountHead(card: string): string[] {
  return [`card: ${card}`, "account: acme", "plan: enterprise", "anchor: 2026-11-01", "timezone: UTC"];
}
