import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium as playwright, type BrowserContext } from "playwright-core";

/** CHROMIUM_PATH for any build, else Debian's package (CI installs it). */
const CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];

export const INSTALL_HINT = "`npm install` brings one (@sparticuz/chromium); or install it with `apt-get update && apt-get install -y chromium` (Debian), or set CHROMIUM_PATH to a Chromium or Chrome binary";

/**
 * A Chromium to render in: CHROMIUM_PATH, Debian's, or else the one the
 * @sparticuz/chromium devDependency ships, unpacked into the temporary directory
 * on first use, so that a fresh clone needs no browser of its own.
 */
export async function findChromium(): Promise<Chromium | undefined> {
  const installed = CANDIDATES.find((p): p is string => p !== undefined && p !== "" && existsSync(p));
  if (installed !== undefined) return { path: installed, args: [] };
  try {
    const { default: bundled } = await import("@sparticuz/chromium");
    // Built for serverless hosts: it runs as one process, with no zygote.
    return { path: await bundled.executablePath(), args: ["--single-process", "--no-zygote"] };
  } catch {
    return undefined;
  }
}

/** A Chromium binary and the flags it needs to start here. */
export interface Chromium {
  path: string;
  args: string[];
}

/**
 * Headless, offline and forgetful: no sandbox (containers run as root), no
 * GPU, no background traffic, and a profile of its own that is removed after.
 */
export async function launchChromium(chromium: Chromium, options: { javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "burnrate-chromium-"));
  const context = await playwright.launchPersistentContext(profile, {
    executablePath: chromium.path,
    headless: true,
    args: [...chromium.args, "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1100, height: 900 },
    offline: true,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
