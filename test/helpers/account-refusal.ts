import { parseAccount } from "../../src/account/account.js";
import { UserError, UserErrors } from "../../src/errors.js";

/** The messages an account file's text is refused with, read as `a.yaml`; a text accepted fails the test. */
export function accountRefusal(source: string): string[] {
  try {
    parseAccount(source, "a.yaml");
  } catch (e) {
    if (e instanceof UserErrors) return e.errors.map((x) => x.message);
    if (e instanceof UserError) return [e.message];
    throw e;
  }
  throw new Error("accepted");
}
