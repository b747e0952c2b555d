#!/usr/bin/env node
// The README's pictures, from the bundled Fliplet fixtures: the HTML report as
// Chromium draws it, and the terminal chart as an 80-column UTF-8 terminal
// shows it (captured through a pseudo-terminal, then drawn as coloured text).
// Run after `npm run build`: node scripts/browser-check-screenshots.mjs
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const ROOT = new URL("..", import.meta.url).pathname;
const IMAGES = join(ROOT, "docs/images");
const INPUTS = ["statement", "--account", "fixtures/fliplet/account.yaml", "--usage", "fixtures/fliplet/usage.csv"];
const executablePath = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => p && existsSync(p));
if (!executablePath) {
  console.error("Chromium not found: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH)");
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), "burnrate-shots-"));
const report = join(work, "report.html");
run("node", ["bin/burnrate", ...INPUTS, "-o", report]);

// The terminal as a person sees it: 80 columns, UTF-8, colour.
const quoted = INPUTS.map((a) => `'${a}'`).join(" ");
const typescript = run("script", ["-qec", `stty cols 80 rows 60; node bin/burnrate ${quoted}`, "/dev/null"], { LANG: "C.UTF-8", LC_ALL: "", FORCE_COLOR: "1", NO_COLOR: "" });
const terminal = typescript.replace(/\r\n/g, "\n");
const from = terminal.indexOf("Burn-down · cycle 2");
const chart = terminal.slice(terminal.lastIndexOf("\n", from) + 1, terminal.indexOf("\n", terminal.indexOf("Burn-down · cycle 3")) + 1);
const shown = chart.slice(0, chart.lastIndexOf("\n", chart.indexOf("Burn-down · cycle 3")));
writeFileSync(join(work, "terminal.html"), terminalPage(shown.replace(/\n+$/, "")));
writeFileSync(join(IMAGES, "terminal-chart.txt"), `${shown.replace(/\x1b\[[0-9;]*m/g, "").replace(/\n+$/, "")}\n`);

const context = await chromium.launchPersistentContext(join(work, "profile"), {
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1040, height: 900 },
  deviceScaleFactor: 1,
  offline: true,
});
try {
  const page = await context.newPage();
  await page.goto(pathToFileURL(report).href);
  // Cycle 2 has it all: thresholds, the first refusal, grace, a top-up.
  const cycle = page.locator("section.cycle").nth(1);
  const top = (await cycle.locator("h3").boundingBox()).y - 8;
  const pair = await cycle.locator("div.pair").boundingBox();
  const body = await page.locator("main").boundingBox();
  await page.screenshot({ path: join(IMAGES, "report.png"), clip: { x: body.x - 16, y: top, width: body.width + 32, height: pair.y + pair.height - top + 8 }, fullPage: true });

  await page.goto(pathToFileURL(join(work, "terminal.html")).href);
  await page.locator("pre").screenshot({ path: join(IMAGES, "terminal-chart.png") });
} finally {
  await context.close();
  rmSync(work, { recursive: true, force: true });
}
console.log("wrote docs/images/report.png, docs/images/terminal-chart.png and docs/images/terminal-chart.txt");

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
  return result.stdout;
}

/** ANSI colour as a dark terminal shows it: the few SGR codes chalk writes at level 1. */
function terminalPage(text) {
  const colours = { 31: "#ff6b5f", 32: "#5fd38d", 33: "#f0c674", 36: "#6cc5f0" };
  const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  let state = { bold: false, dim: false, underline: false, fg: undefined };
  let html = "";
  for (const part of text.split(/(\x1b\[[0-9;]*m)/)) {
    const sgr = part.match(/^\x1b\[([0-9;]*)m$/);
    if (!sgr) {
      if (part === "") continue;
      const style = [state.fg && `color:${colours[state.fg]}`, state.bold && "font-weight:700", state.dim && "opacity:.6", state.underline && "text-decoration:underline"].filter(Boolean).join(";");
      html += style ? `<span style="${style}">${escape(part)}</span>` : escape(part);
      continue;
    }
    for (const code of (sgr[1] || "0").split(";").map(Number)) {
      if (code === 0) state = { bold: false, dim: false, underline: false, fg: undefined };
      else if (code === 1) state.bold = true;
      else if (code === 2) state.dim = true;
      else if (code === 22) state = { ...state, bold: false, dim: false };
      else if (code === 4) state.underline = true;
      else if (code === 24) state.underline = false;
      else if (code === 39) state.fg = undefined;
      else if (colours[code]) state.fg = code;
    }
  }
  return `<!doctype html><meta charset="utf-8"><style>
body { margin: 0; background: #1d1f21; }
pre { display: inline-block; margin: 0; padding: 14px 18px; background: #1d1f21; color: #d8dcd6; font: 14px/1.2 "DejaVu Sans Mono", monospace; }
</style><pre>${html}</pre>`;
}
