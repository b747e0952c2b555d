import fc from "fast-check";

// Property tests draw from one fixed seed, so `npm test` gives the same verdict on every run and
// machine; FUZZ_SEED picks another (a long run: FUZZ_SEED=$RANDOM FUZZ_RUNS=10000 npm test).
fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED ?? 20261202) });
