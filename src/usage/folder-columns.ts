import { formatLocation, shown, UserError, type Location } from "../errors.js";
import type { Canonical } from "./layout.js";
import type { LayoutReading } from "./layout-residue.js";
import type { ColumnMapping } from "./mapping.js";
import { folderMapping } from "./sources.js";

/**
 * The quantity or event id column a folder's mapping names, which one of the folder's files may lack: a field the
 * producer began to send mid-month is on no line of the days before (newcomers, stops 41 and 42: one such day
 * refused the whole folder, and the way round was a mapping file a day). Each file tells the run whether it has the
 * column; the run refuses it only where no file has it, and notes the files without it: their rows are read as a file
 * without the mapping's key is (one event a row; no event id). An account column has no such reading (the rows would
 * be the account file's), and a column named elsewhere (a file's own mapping, `--mapping`, `--map`) is one file's.
 */
const MAY_LACK = ["quantity", "event_id"] as const satisfies readonly Canonical[];

export interface FolderColumn {
  canonical: (typeof MAY_LACK)[number];
  source: string;
  /** The folder mapping's key. */
  place: Location;
  file: string;
  present: boolean;
}

/** Who is told: the run (SkippedRows), or a reading thread's notes of a file, posted to the run (KeptNotes). */
export interface FolderColumnTeller {
  folderColumn(column: FolderColumn): void;
  /** Whether `--layout` read anything of a file (layout-residue.ts). */
  layoutRead?(reading: LayoutReading): void;
}

/**
 * Tell `to` which of the folder mapping's columns the file has (`present`); the canonical columns it lacks, which the
 * caller reads as unmapped. None where nobody is told (a reader with no run, which refuses the file at once).
 */
export function tellFolderColumns(mapping: ColumnMapping, file: string, to: FolderColumnTeller | undefined, present: (canonical: Canonical, source: string) => boolean): ReadonlySet<Canonical> {
  const lacking = new Set<Canonical>();
  if (typeof to?.folderColumn !== "function" || file === "-") return lacking;
  for (const canonical of MAY_LACK) {
    const source = mapping.columns[canonical];
    const place = mapping.places?.columns[canonical];
    if (source === undefined || place === undefined || "flag" in place || place.file !== folderMapping(file)) continue;
    const has = present(canonical, source);
    to.folderColumn({ canonical, source, place, file, present: has });
    if (!has) lacking.add(canonical);
  }
  return lacking;
}

/** What the run was told of its folder mappings' columns, file by file (a file read again tells the same). */
export class FolderColumns {
  private readonly columns = new Map<string, { column: FolderColumn; having: Set<string>; lacking: string[] }>();

  /** A JSON Lines file's header holds a field the mapping names before a line has it: its end, where no line had it, tells otherwise, and wins. */
  tell(column: FolderColumn): void {
    const key = `${column.canonical}\u0000${formatLocation(column.place)}`;
    let entry = this.columns.get(key);
    if (entry === undefined) this.columns.set(key, (entry = { column, having: new Set(), lacking: [] }));
    if (!column.present) {
      entry.having.delete(column.file);
      if (!entry.lacking.includes(column.file)) entry.lacking.push(column.file);
    } else if (!entry.lacking.includes(column.file)) entry.having.add(column.file);
  }

  /** The files that lack the folder mapping's column for `canonical`. */
  lacking(canonical: FolderColumn["canonical"]): Set<string> {
    return new Set([...this.columns.values()].filter((entry) => entry.column.canonical === canonical).flatMap((entry) => entry.lacking));
  }

  /** Refuse a column no file had, at the folder mapping's key; the notes of those some files lacked. */
  notes(): string[] {
    const notes: string[] = [];
    for (const { column, having, lacking } of this.columns.values()) {
      if (lacking.length === 0) continue;
      const first = lacking[0]!;
      if (having.size === 0) {
        const files = lacking.length === 1 ? `not in ${first}` : `in none of the ${lacking.length} files it reads (the first ${first})`;
        throw new UserError(`the mapping's column for ${column.canonical}, ${shown(column.source)}, is ${files}`, column.place, "a column or field some file of the folder has", `no file with ${shown(column.source)}`);
      }
      const their = lacking.length === 1 ? "its" : "their";
      const read = column.canonical === "quantity" ? `each of ${their} rows is priced as one event` : `${their} rows carry no event id, and none of them is taken for a repeat`;
      const them = lacking.length === 1 ? `${first} does not have it` : `${lacking.length} of the ${lacking.length + having.size} files it reads do not (the first ${first})`;
      notes.push(`burnrate: note: the mapping's column for ${column.canonical}, ${shown(column.source)} (${formatLocation(column.place)}), is in some files of the folder, but ${them}: ${read}\n`);
    }
    return notes;
  }
}
