import { Finding } from "../errors.js";
import type { Io } from "../io.js";

const WARNING = "burnrate: warning: ";

/**
 * What a command says on standard error, its warnings kept as it says them. A monthly job keeps the report
 * and not its standard error: a customer id written `ACME-Corp` in the usage beside `acme-corp` in the account
 * file was billed as a customer of its own, exit 0, the warning lost with the job's log. So the report says
 * the run's warnings too, and `--strict` makes them a finding. Every warning is a line `burnrate: warning: ...`,
 * whichever module makes it, so this is the one place that knows which of the lines said are warnings.
 */
export class Told {
  private readonly said: string[] = [];

  constructor(private readonly io: Io) {}

  /**
   * One message, a warning where it starts as one: kept whole, its own line breaks and all. Not read line by line: a
   * file path holding a line break cut a warning short, and a forged `burnrate: warning: ` in a folder's name made a
   * note count as several (red71a L1).
   */
  say(text: string | undefined): void {
    if (text === undefined) return;
    this.io.stderr.write(text);
    if (text.startsWith(WARNING)) this.said.push(text.slice(WARNING.length).replace(/\n$/, ""));
  }

  /** The warnings said so far, each without its `burnrate: warning: ` and in the order said. */
  get warnings(): readonly string[] {
    return this.said;
  }

  /** With `--strict`, once the report is written: a warning is a finding (exit 1), the report kept as a finding's is. */
  failIfStrict(strict: boolean | undefined, command: string): void {
    if (strict && this.said.length > 0) throw new Finding(`${command} gave ${this.said.length} warning(s) (--strict)`);
  }
}
