import { Zone } from "../../src/time.js";
import { NO_MAPPING } from "../../src/usage/mapping.js";
import { RowScanner } from "../../src/usage/row-scanner.js";

/** A row scanner of usage.csv with two of Fliplet's meters: data_read by project, end_user_open by project and user. */
export const scanner = () =>
  new RowScanner({
    file: "usage.csv",
    zone: Zone.of("UTC")!,
    defaultAccount: "default",
    mapping: NO_MAPPING,
    read: { names: new Set(["project", "user"]), card: "test 1" },
    events: new Map([
      ["data_read", ["project"]],
      ["end_user_open", ["project", "user"]],
    ]),
  });
