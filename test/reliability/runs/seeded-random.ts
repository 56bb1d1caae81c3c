// Seeded randomness for the reliability tests: the same seed gives the same numbers on every machine,
// so a failing seed can be replayed exactly.

export interface Random {
  /** A number in [0, 1). */
  readonly next: () => number;
  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** An independent generator seeded from this one (for a run that draws numbers in its own order). */
  fork(): Random;
}

/** mulberry32: a small, fast 32-bit generator; plenty for choosing faults and interleavings. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return function nextMulberry32() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  const int = (maxExclusive: number) => Math.floor(next() * maxExclusive);
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick() needs at least one item');
      return items[int(items.length)] as T;
    },
    fork: () => createRandom(int(4_294_967_296)),
  };
}

/** The seed of the `index`-th sequence of a batch: distinct for every index, spread over 32 bits. */
export function seedAt(baseSeed: number, index: number): number {
  return (baseSeed + Math.imul(index, 0x9e3779b9)) >>> 0;
}

export const formatSeed = (seed: number) => `0x${seed.toString(16).padStart(8, '0')}`;

/** A non-negative integer from the environment (decimal or 0x-hex), or the default when unset. */
export function integerFromEnv(name: string, defaultValue: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return defaultValue;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`Environment variable ${name} must be a non-negative integer (decimal or 0x-hex); got "${raw}".`);
  }
  return value;
}
