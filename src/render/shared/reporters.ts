import type { Output } from "../../output.js";

/**
 * A command's renderers, registered by format name. The type makes a command
 * handle every format it accepts, and only the chosen renderer runs.
 */
export type Reporters<F extends string> = Readonly<Record<F, () => Output>>;

export function render<F extends string>(format: F, reporters: Reporters<F>): Output {
  return reporters[format]();
}
