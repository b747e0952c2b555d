// Writes a deterministic synthetic Fliplet usage log for the benchmark: ROWS rows over
// three monthly cycles from 2026-09-01 (UTC), 1,000 projects, 100,000 end-users a
// cycle, about twenty meters, rows in time order. The same arguments always write the
// same bytes. Usage: node bench/generate.mjs ROWS OUT.csv
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { mulberry32 } from "../scripts/prng.mjs";

export const START = Date.UTC(2026, 8, 1);
const END = Date.UTC(2026, 11, 1);
const PROJECTS = 1000;
const USERS = 100_000;


// Share of rows per kind of event (recurring and gauge events are added separately).
const MIX = [
  [0.34, "end_user_open"], [0.2, "data_read"], [0.08, "data_write"], [0.06, "push"], [0.02, "email"],
  [0.01, "sms"], [0.05, "maps_call"], [0.06, "automation_run"], [0.04, "web_fetch"], [0.02, "image_save"],
  [0.02, "browser_inspection"], [0.05, "ai_input_tokens"], [0.05, "ai_output_tokens"],
];

export async function generate(rows, file) {
  const rnd = mulberry32(rows);
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let buffer = "timestamp,meter,quantity,project,user,channel,distribution,source,model\n";
  const flush = async () => {
    if (!out.write(buffer)) await once(out, "drain");
    buffer = "";
  };
  const stamp = (ms) => new Date(ms).toISOString().slice(0, 19) + "Z";
  // Inventory first: every project kept and published, with storage and records.
  const first = stamp(START);
  for (let p = 0; p < PROJECTS; p++) {
    const project = `p${String(p).padStart(4, "0")}`;
    buffer += `${first},project_created,1,${project},,,,,\n`;
    buffer += `${first},published,1,${project},,${["web", "ios", "android"][p % 3]},${p % 10 === 0 ? "private" : "public"},,\n`;
    buffer += `${first},storage_added,${1 + (p % 5)},${project},,,,,\n`;
    buffer += `${first},records_added,${100 * (1 + (p % 20))},${project},,,,,\n`;
  }
  const body = rows - PROJECTS * 4;
  const step = (END - START - 60_000) / body;
  for (let i = 0; i < body; i++) {
    const at = stamp(START + 60_000 + Math.floor(i * step));
    const pick = rnd();
    let meter = MIX[MIX.length - 1][1];
    for (let acc = 0, k = 0; k < MIX.length; k++) {
      acc += MIX[k][0];
      if (pick < acc) {
        meter = MIX[k][1];
        break;
      }
    }
    const project = `p${String(Math.floor(rnd() * PROJECTS)).padStart(4, "0")}`;
    switch (meter) {
      case "end_user_open": {
        // Each end-user belongs to one project: 100,000 distinct users, 100 a project.
        const user = Math.floor(rnd() * USERS);
        buffer += `${at},end_user_open,1,p${String(user % PROJECTS).padStart(4, "0")},u${user},,,,\n`;
        break;
      }
      case "email": case "sms": case "push":
        buffer += `${at},${meter},${1 + Math.floor(rnd() * 20)},${project},,,,${rnd() < 0.5 ? "studio" : "project"},\n`;
        break;
      case "ai_input_tokens": case "ai_output_tokens":
        buffer += `${at},${meter},${100 + Math.floor(rnd() * 4000)},${project},,,,${rnd() < 0.7 ? "studio" : "project"},${rnd() < 0.8 ? "standard" : "advanced"}\n`;
        break;
      case "data_read":
        buffer += `${at},data_read,${1 + Math.floor(rnd() * 50)},${project},,,,,\n`;
        break;
      default:
        buffer += `${at},${meter},1,${project},,,,,\n`;
    }
    if (buffer.length > 1 << 20) await flush();
  }
  await flush();
  out.end();
  await once(out, "finish");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await generate(Number(process.argv[2]), process.argv[3]);
}
