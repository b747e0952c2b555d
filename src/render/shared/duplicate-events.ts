import type { Statement } from "../../engine/types.js";
import { fileLine } from "./file-line.js";

/** Every repeat by event_id, with both rows; `omitted` counts those past the listing's bound: a statement's, and a reconciliation's usage. */
export function duplicateEventsJson(statement: Pick<Statement, "duplicateEvents">): object {
  const d = statement.duplicateEvents ?? { listed: [], omitted: 0 };
  return {
    listed: d.listed.map((e) => ({ event_id: e.eventId, meter: e.meter, first: fileLine(e.first), repeat: fileLine(e.repeat) })),
    omitted: d.omitted,
  };
}
