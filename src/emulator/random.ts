/** A small seeded PRNG (mulberry32): the emulator's ids and fault decisions are reproducible from a seed. */
export interface Rng {
  next(): number;
  int(maxExclusive: number): number;
  chars(alphabet: string, length: number): string;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (maxExclusive: number) => Math.floor(next() * maxExclusive);
  return {
    next,
    int,
    chars(alphabet, length) {
      // One string per call: building it with += leaves a string per character for the GC, which
      // dominated building a 100,000-user world.
      const codes = new Array<number>(length);
      for (let i = 0; i < length; i++) codes[i] = alphabet.charCodeAt(int(alphabet.length));
      return String.fromCharCode(...codes);
    },
  };
}
