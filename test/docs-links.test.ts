import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// The README is the front door and the guides live in docs/: a link that points at
// a file a clone does not have, or at a heading that is not there, is a dead end.

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** The page's text outside fenced code blocks and inline code, where a link is only an example. */
function prose(text: string): string[] {
  let fenced = false;
  return text.split("\n").map((line) => {
    if (line.startsWith("```")) {
      fenced = !fenced;
      return "";
    }
    return fenced ? "" : line.replace(/`[^`]*`/g, "``");
  });
}

interface Link {
  page: string;
  line: number;
  target: string;
}

function links(page: string): Link[] {
  const found: Link[] = [];
  prose(readFileSync(join(root, page), "utf8")).forEach((text, i) => {
    for (const m of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)) found.push({ page, line: i + 1, target: m[1]! });
  });
  return found;
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(page: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(join(root, page), "utf8").split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6} (.*)$/.exec(line);
    if (!heading) continue;
    const base = heading[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

const relativeLinks = pages.flatMap(links).filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l.target));

describe("README and guides", () => {
  it("the README is a front door of at most 400 lines", () => {
    const lines = readFileSync(join(root, "README.md"), "utf8").split("\n");
    if (lines.at(-1) === "") lines.pop();
    expect(lines.length).toBeLessThanOrEqual(400);
  });

  it("every guide named in the README's table exists", () => {
    for (const guide of ["statement", "simulate", "reconcile", "diff", "check", "test", "schema", "ratecards", "accounts", "usage", "scenarios", "outputs", "errors", "performance", "architecture"]) {
      expect(pages, guide).toContain(`docs/${guide}.md`);
      expect(relativeLinks.some((l) => l.page === "README.md" && l.target === `docs/${guide}.md`), `README links docs/${guide}.md`).toBe(true);
    }
  });

  it("every relative link points at a file of the repository", () => {
    const dead = relativeLinks
      .filter((l) => !l.target.startsWith("#"))
      .filter((l) => !existsSync(join(root, dirname(l.page), decodeURIComponent(l.target.split("#")[0]!))))
      .map((l) => `${l.page}:${l.line}: ${l.target}`);
    expect(dead).toEqual([]);
  });

  it("every link to a heading names one that exists", () => {
    const dead = relativeLinks
      .filter((l) => l.target.includes("#"))
      .filter((l) => {
        const [file, anchor] = l.target.split("#") as [string, string];
        const page = file === "" ? l.page : relative(root, join(root, dirname(l.page), file));
        return !page.endsWith(".md") || !existsSync(join(root, page)) || !anchors(page).has(anchor);
      })
      .map((l) => `${l.page}:${l.line}: ${l.target}`);
    expect(dead).toEqual([]);
  });

  it("errors.md has a section for every family of the bad-input corpus", () => {
    const cases = parse(readFileSync(join(root, "test/bad-input/cases.yaml"), "utf8")) as { name: string }[];
    const families = new Set(cases.map((c) => c.name.split("-")[0]!));
    const guide = readFileSync(join(root, "docs/errors.md"), "utf8");
    expect([...families].filter((family) => !guide.includes(`(\`${family}-*\`,`))).toEqual([]);
  });

  it("no page refers to the project's shared folder, which a clone does not have", () => {
    const outside = pages.filter((page) => /shared\/(SPEC|seeds)|\.\.\/shared\//.test(readFileSync(join(root, page), "utf8")));
    expect(outside).toEqual([]);
  });
});
