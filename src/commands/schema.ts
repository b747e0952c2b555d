import { join } from "node:path";
import { atFlag, UserError, shown } from "../errors.js";
import type { Io } from "../io.js";
import { emit, makeFolder, writeAtomically } from "../output.js";
import { json } from "../render/shared/format.js";
import { SCHEMAS } from "../schemas/registry.js";

export interface SchemaOptions {
  output?: string;
  write?: string;
}

/** Print one JSON Schema; without a name, list them; with --write DIR, write every one as DIR/NAME.schema.json. */
export async function schema(name: string | undefined, options: SchemaOptions, io: Io): Promise<void> {
  if (options.write !== undefined) {
    // Each schema goes to DIR/NAME.schema.json: an -o file beside --write would be silently ignored.
    if (options.output !== undefined) throw new UserError("--write and -o together", atFlag("--write"), "either -o FILE for one schema or --write DIR for all of them", shown(options.output));
    makeFolder(options.write, "--write");
    for (const [key, entry] of SCHEMAS) await writeAtomically({ path: join(options.write, `${key}.schema.json`), flag: "--write" }, json(entry.build()));
    return;
  }
  if (name === undefined) {
    const width = Math.max(...[...SCHEMAS.keys()].map((k) => k.length));
    await emit([...SCHEMAS].map(([key, entry]) => `${key.padEnd(width)}  ${entry.about}\n`).join(""), options.output, io);
    return;
  }
  const entry = SCHEMAS.get(name);
  if (!entry) throw new UserError(`unknown schema ${shown(name)}`, undefined, `one of ${[...SCHEMAS.keys()].join(", ")}`, shown(name));
  await emit(json(entry.build()), options.output, io);
}
