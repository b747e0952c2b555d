import { formatLocation, shown, type Location } from "../errors.js";
import type { Population } from "./types.js";

/** What a scenario's run does that its reader may not expect: said on standard error and among the report's notes. */
export interface ScenarioNote {
  /** Where the report says it: under the sampled figures, or under the scenario's plan. */
  about: "samples" | "plan";
  at: Location;
  text: string;
}

/** The note as standard error gives it, at its place in the scenario. */
export function noteLine(note: ScenarioNote): string {
  return `burnrate: note: ${formatLocation(note.at)}: ${note.text}\n`;
}

/** A share of users drawing 0 of a unique meter worth a word: one in 20 or more. */
const NOTABLE = 0.05;

/**
 * Items of a unique meter (charged once a user a cycle, when their quantity is above 0) that --samples draws so that
 * a notable share of users draw 0 and are not charged: a seat of quantity 1 drawn Poisson leaves out e^-1, 36.8%, of
 * users, and the sampled money falls below the deterministic money without a word. Poisson draws 0 with probability
 * e^-m; geometric (Poisson at an exponential level of mean 1) with 1 / (1 + m).
 */
export function zeroDrawNotes(populations: readonly Population[], itemAt: (population: number, item: number) => Location): ScenarioNote[] {
  const notes: ScenarioNote[] = [];
  populations.forEach((p, i) => p.activities.forEach((a, j) => {
    if (!a.unique || a.distribution === "fixed") return;
    const mean = a.perUser.toNumber();
    const share = a.distribution === "poisson" ? Math.exp(-mean) : 1 / (1 + mean);
    if (mean <= 0 || share < NOTABLE) return;
    const percent = (share * 100).toFixed(1);
    notes.push({
      about: "samples",
      at: itemAt(i, j),
      text: `--samples draws ${a.meter} of population ${shown(p.name)} ${a.distribution === "poisson" ? "Poisson" : "geometric"} around ${a.perUser.toFixed()} a user: about ${percent}% of users draw 0 in a cycle, and its unique meter charges them nothing, so the sampled figures fall below the deterministic ones; where every user is charged each cycle (a seat), distribution: fixed on the item says so`,
    });
  }));
  return notes;
}
