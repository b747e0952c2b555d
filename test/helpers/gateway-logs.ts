import { fileURLToPath } from "node:url";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveAccount } from "../../src/account/account.js";
import { loadAccount, loadCardFor } from "../../src/inputs.js";
import { statementJson } from "../../src/render/statement/json.js";
import { replayFiles, type Reader } from "../../src/replay/replay-files.js";
import { NO_MAPPING } from "../../src/usage/mapping.js";
import { scanUsage } from "../../src/usage/scanned-events.js";

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

/**
 * The model of every row the row scanner reads from these files, in order, on an account file's
 * card and zone. A NeedsFullParser (the scanner giving the run up to the plain reader) throws.
 */
export async function scannedModels(files: readonly string[], accountFile: string): Promise<string[]> {
  const loaded = loadAccount(accountFile);
  const card = loadCardFor(undefined, loaded);
  const settings = resolveAccount(card, loaded, {});
  const models: string[] = [];
  for await (const batch of scanUsage([...files], { card, zone: settings.zone, defaultAccount: settings.name, mappingFor: () => NO_MAPPING })) {
    for (let i = 0; i < batch.count; i++) models.push(batch.source.dimensions[batch.shape[i]!]!.model!);
  }
  return models;
}

/** One request a day on Floopy's gpt-4o/openai, 1,000 tokens in and 200 out (0.25 + 0.2 = 0.45 cents), on the layouts' account. */
export const DAILY_ACCOUNT = fileURLToPath(new URL("../../fixtures/layouts/account.yaml", import.meta.url));
export const DAILY_HEADER = "timestamp,meter,model,provider,input_tokens,output_tokens";
export const dailyRow = (day: number) => `2026-11-0${day}T10:00:00Z,request,gpt-4o,openai,1000,200`;

/** Folders of named files, numbered under one temporary folder per test file. */
export function folderMaker(prefix: string): (files: Record<string, string | Buffer>) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let made = 0;
  return (files) => {
    const path = join(dir, String(made++));
    mkdirSync(path);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(path, name), content);
    return path;
  };
}
