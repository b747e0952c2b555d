/**
 * A field within the one that scopes it (ColumnMapping.scopes): `SCOPE ID`. The scope is the object's own top-level
 * field, read here even under ignore_columns: (CloudEvents' `source` is no dimension, and a mapping may name another
 * field `source`). A space cannot be in a CloudEvents source (a URI reference), so two pairs never read as one: a scope
 * with one is refused (ScopeWithSpace), where `a b` and `c` read as `a` and `b c` did, and the second event was
 * dropped as a repeat of the first (red51 #6). A row without the scope keeps its id as given; one without an id has none.
 */
export function addScopes(fields: Map<string, string>, object: Record<string, unknown>, scopes: ReadonlyMap<string, string>): void {
  for (const [name, scope] of scopes) {
    const id = fields.get(name);
    const within = object[scope];
    if (id === undefined || id === "" || (typeof within !== "string" && typeof within !== "number") || within === "") continue;
    if (typeof within === "string" && within.includes(" ")) throw new ScopeWithSpace(scope, within);
    fields.set(name, `${within} ${id}`);
  }
}

/** A scope holding a space (addScopes), said at its line by ObjectRows.unnest. */
export class ScopeWithSpace extends Error {
  constructor(
    readonly scope: string,
    readonly value: string,
  ) {
    super(`${scope} holds a space`);
  }
}
