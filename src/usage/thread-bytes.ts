import { atFlag, shown, UserError } from "../errors.js";
import { THREAD_SIZE_VARIABLE, threadSizeOf } from "./thread-size.js";

/** The usage size read on a second thread (thread-size.ts); a value of BURNRATE_THREAD_MB not read as given is refused, not replaced by the default. */
export function threadSize(env: NodeJS.ProcessEnv = process.env): number {
  const size = threadSizeOf(env);
  if (size === undefined) {
    throw new UserError("not a size in megabytes", atFlag(THREAD_SIZE_VARIABLE), "a number of megabytes such as 8, or 0.5", shown(env[THREAD_SIZE_VARIABLE] ?? ""));
  }
  return size;
}
