/**
 * Seeded randomness for `--samples`: the same seed gives the same draws on every
 * machine and Node version, which Math.random cannot promise.
 *
 * The draws are counts of actions (opens, reads); a count's mean is a behaviour
 * parameter, so it is the one place a JavaScript float is right. Credits are
 * still priced exactly by the engine from the whole-number counts.
 */

/** xoshiro128**: small, fast, and good enough for simulation (not for secrets). */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** A stream for one seed and one sample: every sample of a seed is independent and reproducible on its own. */
  constructor(seed: string, stream: number) {
    let h = fnv1a(`${seed}\u0000${stream}`);
    const next = () => {
      h = (h + 0x9e3779b9) | 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniform draw in [0, 1), 32 bits. */
  next(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result / 4294967296;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A Poisson count with the given mean: multiplication for small means, PTRS (Hörmann 1993) above, so 10,000 reads cost one draw. */
export function poisson(mean: number, random: Random): number {
  if (mean <= 0) return 0;
  if (mean < 10) {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = random.next();
    while (p > limit) {
      k++;
      p *= random.next();
    }
    return k;
  }
  const slam = Math.sqrt(mean);
  const logLam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random.next() - 0.5;
    const v = random.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -mean + k * logLam - logFactorial(k)) return k;
  }
}

/**
 * An activity level with mean 1, exponentially distributed: most users light, a
 * few heavy. A Poisson count at this level times a mean is geometric with that mean.
 */
export function exponentialLevel(random: Random): number {
  return -Math.log(1 - random.next());
}

/** ln(k!) by Stirling's series: exact enough for k >= 10, a table below. */
function logFactorial(k: number): number {
  if (k < SMALL_LOG_FACTORIALS.length) return SMALL_LOG_FACTORIALS[k]!;
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3) + 1 / (1260 * x ** 5);
}

const SMALL_LOG_FACTORIALS = Array.from({ length: 10 }, (_, k) => {
  let f = 0;
  for (let i = 2; i <= k; i++) f += Math.log(i);
  return f;
});
