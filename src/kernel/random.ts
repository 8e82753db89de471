/**
 * The run's one source of randomness. Every random choice in a run — ids, versions, latencies,
 * fault decisions, tie-breaks of the scheduler — is drawn from a stream derived from the seed,
 * so the same seed and program give the same history.
 */
export interface RandomSource {
  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number;
  /** A float in [0, 1). */
  nextFloat(): number;
  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** A v4-shaped UUID built from this stream. */
  uuid(): string;
  /**
   * An independent stream for one purpose (say, `link:client-1`). Forks keep parts of a run
   * from disturbing each other's draws, so shrinking one part leaves the others' choices alone.
   */
  fork(label: string): RandomSource;
}

/** sfc32 seeded through a string hash; small, fast and good enough for simulation. */
export class SeededRandom implements RandomSource {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Streams forked from this one: a reseed reaches them too. */
  private readonly forks: SeededRandom[] = [];
  private salt: string | undefined;

  constructor(readonly seed: number | string) {
    const [a, b, c, d] = hashToWords(String(seed));
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    // Warm up so that similar seeds diverge.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /**
   * Re-derives this stream, and every stream forked from it (now or later), from the seed and a
   * salt: the draws from here on are those of another run that shared everything before. Triage
   * forks a run's randomness at a step boundary this way; the same salt gives the same draws.
   */
  reseed(salt: string): void {
    this.salt = salt;
    const [a, b, c, d] = hashToWords(`${String(this.seed)}#${salt}`);
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    for (let i = 0; i < 12; i++) this.nextUint32();
    for (const fork of this.forks) fork.reseed(salt);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  int(min: number, max: number): number {
    if (max < min) throw new RangeError(`int(${min}, ${max}): max is below min`);
    return min + Math.floor(this.nextFloat() * (max - min + 1));
  }

  chance(p: number): boolean {
    return p > 0 && this.nextFloat() < p;
  }

  uuid(): string {
    const hex = Array.from({ length: 4 }, () => this.nextUint32().toString(16).padStart(8, '0')).join('');
    const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  fork(label: string): RandomSource {
    const fork = new SeededRandom(`${String(this.seed)}/${label}`);
    if (this.salt !== undefined) fork.reseed(this.salt);
    this.forks.push(fork);
    return fork;
  }
}

/** cyrb128: four 32-bit words from a string. */
function hashToWords(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
