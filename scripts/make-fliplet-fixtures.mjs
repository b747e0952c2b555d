#!/usr/bin/env node
// Writes the bundled Fliplet fixtures: three cycles of one organization's usage
// (fixtures/fliplet/usage.csv) and one small log per line of the document's
// "Typical scenarios" table (fixtures/fliplet/typical/). Deterministic: the same
// script always writes the same bytes. Run: node scripts/make-fliplet-fixtures.mjs
import { mkdirSync, writeFileSync } from "node:fs";
import { mulberry32 } from "./prng.mjs";

const HEADER = ["timestamp", "meter", "quantity", "project", "user", "channel", "distribution", "source", "model", "event_id"];


function writer() {
  const rows = [];
  let id = 0;
  return {
    add(at, meter, quantity, dims = {}) {
      rows.push({ at, meter, quantity: String(quantity), ...dims, event_id: `ev-${String(++id).padStart(6, "0")}` });
    },
    /** The same event sent twice: the log repeats its event_id. */
    resend(index) {
      rows.push({ ...rows[index] });
    },
    get length() {
      return rows.length;
    },
    csv() {
      const sorted = rows.map((r, i) => [r, i]).sort((a, b) => a[0].at.localeCompare(b[0].at) || a[1] - b[1]).map(([r]) => r);
      return `${HEADER.join(",")}\n${sorted.map((r) => HEADER.map((h) => (h === "timestamp" ? r.at : r[h] ?? "")).join(",")).join("\n")}\n`;
    },
  };
}

const iso = (ms) => new Date(ms).toISOString().replace(".000Z", "Z");
const DAY = 86_400_000;
const HOUR = 3_600_000;

// --- the organization: three cycles from 2026-09-14 (Europe/London; the clocks go back on 2026-10-25) ---
function organization() {
  const rnd = mulberry32(20260914);
  const log = writer();
  const c1 = Date.UTC(2026, 8, 13, 23); // 2026-09-14 00:00 BST
  const c2 = Date.UTC(2026, 9, 13, 23); // 2026-10-14 00:00 BST
  const c3 = Date.UTC(2026, 10, 14, 0); // 2026-11-14 00:00 GMT
  const c4 = Date.UTC(2026, 11, 14, 0);
  const at = (base, hours) => iso(base + Math.round(hours * HOUR));

  // Cycle 1: two projects set up and published, a normal month of use.
  log.add(at(c1, 9), "project_created", 1, { project: "alpha" });
  log.add(at(c1, 9.5), "project_created", 1, { project: "beta" });
  log.add(at(c1, 10), "published", 1, { project: "alpha", channel: "web", distribution: "public" });
  log.add(at(c1, 10.1), "published", 1, { project: "alpha", channel: "ios", distribution: "private" });
  log.add(at(c1, 10.2), "published", 1, { project: "beta", channel: "android", distribution: "public" });
  log.add(at(c1, 11), "storage_added", 3, { project: "alpha" });
  log.add(at(c1, 11.5), "records_added", 2000, { project: "beta" });
  for (let i = 0; i < 40; i++) {
    log.add(at(c1, 12 + i * 0.1), "ai_input_tokens", 6000 + Math.floor(rnd() * 4000), { project: "alpha", model: "standard", source: "studio" });
    log.add(at(c1, 12 + i * 0.1 + 0.01), "ai_output_tokens", 1500 + Math.floor(rnd() * 1000), { project: "alpha", model: "standard", source: "studio" });
  }
  log.add(at(c1, 14), "web_fetch", 30, { project: "alpha" });
  log.add(at(c1, 14.1), "image_save", 12, { project: "alpha" });
  log.add(at(c1, 14.2), "browser_inspection", 5, { project: "alpha" });
  log.add(at(c1, 15), "email", 500, { project: "alpha", source: "studio" });
  for (let day = 1; day < 30; day++) {
    const base = c1 + day * DAY;
    for (let u = 0; u < 12; u++) log.add(at(base, 8 + u * 0.5), "end_user_open", 1, { project: "alpha", user: `a-user-${Math.floor(rnd() * 260)}` });
    for (let u = 0; u < 3; u++) log.add(at(base, 9 + u), "end_user_open", 1, { project: "beta", user: `b-user-${Math.floor(rnd() * 70)}` });
    log.add(at(base, 20), "data_read", 150 + Math.floor(rnd() * 50), { project: "alpha" });
    log.add(at(base, 20.5), "data_write", 12, { project: "alpha" });
    log.add(at(base, 21), "maps_call", 6, { project: "beta" });
    log.add(at(base, 21.5), "push", 30, { project: "alpha", source: "project" });
  }
  log.add(at(c1, 25 * 24), "sms", 40, { project: "beta", source: "project" });
  for (let h = 0; h < 29 * 24; h += 6) log.add(at(c1, 24 + h + 0.25), "automation_run", 1, { project: "beta" });
  log.resend(20);
  log.resend(60);

  // Cycle 2: storage freed (a refund), a channel unpublished and republished (free),
  // a launch week that runs out of credits: a top-up, then the grace buffer, then refusals.
  log.add(at(c2, 8), "storage_deleted", 1, { project: "alpha" });
  log.add(at(c2, 9), "unpublished", 1, { project: "alpha", channel: "ios" });
  log.add(at(c2, 33), "published", 1, { project: "alpha", channel: "ios", distribution: "private" });
  log.add(at(c2, 34), "project_created", 1, { project: "gamma" });
  for (let i = 0; i < 60; i++) {
    log.add(at(c2, 36 + i * 0.2), "ai_input_tokens", 20000 + Math.floor(rnd() * 10000), { project: "gamma", model: "advanced", source: "studio" });
    log.add(at(c2, 36 + i * 0.2 + 0.01), "ai_output_tokens", 3000 + Math.floor(rnd() * 2000), { project: "gamma", model: "advanced", source: "studio" });
  }
  for (let day = 1; day < 30; day++) {
    const base = c2 + day * DAY;
    const users = day >= 10 && day < 18 ? 60 : 12;
    for (let u = 0; u < users; u++) log.add(at(base, 7 + u * 0.2), "end_user_open", 1, { project: "alpha", user: `a-user-${Math.floor(rnd() * 900)}` });
    log.add(at(base, 19), "data_read", day >= 10 && day < 18 ? 2500 : 150, { project: "alpha" });
    log.add(at(base, 19.5), "data_write", day >= 10 && day < 18 ? 300 : 12, { project: "alpha" });
    log.add(at(base, 20), "push", 30, { project: "alpha", source: "project" });
    if (day % 3 === 0) log.add(at(base, 21), "email", 200, { project: "gamma", source: "studio" });
  }
  for (let h = 0; h < 29 * 24; h += 6) log.add(at(c2, 24 + h + 0.25), "automation_run", 1, { project: "beta" });

  // Cycle 3: beta is deleted; a second top-up is bought and partly used.
  log.add(at(c3, 30), "unpublished", 1, { project: "beta", channel: "android" });
  log.add(at(c3, 31), "project_deleted", 1, { project: "beta" });
  log.add(at(c3, 32), "records_deleted", 2000, { project: "beta" });
  for (let day = 1; day < 30; day++) {
    const base = c3 + day * DAY;
    for (let u = 0; u < 20; u++) log.add(at(base, 8 + u * 0.3), "end_user_open", 1, { project: "alpha", user: `a-user-${Math.floor(rnd() * 500)}` });
    log.add(at(base, 18), "data_read", 400, { project: "alpha" });
    log.add(at(base, 18.5), "data_write", 30, { project: "alpha" });
    log.add(at(base, 19), "maps_call", 10, { project: "gamma" });
  }
  log.add(at(c3, 20 * 24), "sms", 100, { project: "gamma", source: "studio" });
  log.add(at(c3, 29 * 24 + 12), "push", 200, { project: "gamma", source: "project" });
  void c4;
  return log.csv();
}

// --- one log per line of the "Typical scenarios" table, each in a 30-day cycle from 2026-11-01 ---
function typical() {
  const start = Date.UTC(2026, 10, 1);
  const files = {};
  const make = (name, fill) => {
    const log = writer();
    fill(log);
    files[name] = log.csv();
  };
  make("project-kept.csv", (l) => l.add(iso(start + HOUR), "project_created", 1, { project: "p1" }));
  make("publish-web.csv", (l) => l.add(iso(start + HOUR), "published", 1, { project: "p1", channel: "web", distribution: "public" }));
  make("publish-ios-android.csv", (l) => {
    l.add(iso(start + HOUR), "published", 1, { project: "p1", channel: "ios", distribution: "public" });
    l.add(iso(start + HOUR), "published", 1, { project: "p1", channel: "android", distribution: "public" });
  });
  make("publish-ios-android-private.csv", (l) => {
    l.add(iso(start + HOUR), "published", 1, { project: "p1", channel: "ios", distribution: "private" });
    l.add(iso(start + HOUR), "published", 1, { project: "p1", channel: "android", distribution: "private" });
  });
  // Storage is billed on the total at a cycle start: 1 GB added in October is the November charge.
  make("storage-1gb.csv", (l) => l.add(iso(start - 10 * DAY), "storage_added", 1, { project: "p1" }));
  for (const n of [100, 1000]) {
    make(`end-users-${n}.csv`, (l) => {
      for (let u = 0; u < n; u++) l.add(iso(start + (u % 29) * DAY + (u % 24) * HOUR), "end_user_open", 1, { project: "p1", user: `user-${u}` });
      // Every user comes back: a second open in the same month costs nothing.
      for (let u = 0; u < n; u += 7) l.add(iso(start + 29 * DAY + HOUR), "end_user_open", 1, { project: "p1", user: `user-${u}` });
    });
  }
  make("email-1000.csv", (l) => l.add(iso(start + HOUR), "email", 1000, { project: "p1", source: "project" }));
  make("sms-100.csv", (l) => {
    for (let i = 0; i < 100; i++) l.add(iso(start + i * HOUR), "sms", 1, { project: "p1", source: "project" });
  });
  make("automation-hourly.csv", (l) => {
    for (let h = 0; h < 24 * 30; h++) l.add(iso(start + h * HOUR), "automation_run", 1, { project: "p1" });
  });
  return files;
}

const root = new URL("../fixtures/fliplet/", import.meta.url);
mkdirSync(new URL("typical/", root), { recursive: true });
writeFileSync(new URL("usage.csv", root), organization());
for (const [name, text] of Object.entries(typical())) writeFileSync(new URL(`typical/${name}`, root), text);
