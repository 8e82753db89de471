/** Latency draws. Every call makes the same number of draws, so one request's draws never shift the next's. */
import type { RandomSource } from '../kernel/random.js';
import type { LatencyModel, LatencySpec } from './fault-plan.js';

export interface Latency {
  /** Client to server, whole ms. */
  up(): number;
  /** Server to client, whole ms. */
  down(): number;
}

const ZERO: LatencyModel = { kind: 'fixed', ms: 0 };

export function createLatency(spec: LatencySpec | undefined, random: RandomSource): Latency {
  const [upModel, downModel] = spec === undefined ? [ZERO, ZERO] : 'kind' in spec ? [spec, spec] : [spec.up, spec.down];
  const upRandom = random.fork('up');
  const downRandom = random.fork('down');
  return {
    up: () => drawLatency(upModel, upRandom),
    down: () => drawLatency(downModel, downRandom),
  };
}

export function drawLatency(model: LatencyModel, random: RandomSource): number {
  switch (model.kind) {
    case 'fixed':
      return model.ms;
    case 'uniform':
      return random.int(model.minMs, model.maxMs);
    case 'long-tail': {
      const base = random.int(model.minMs, model.maxMs);
      const spike = random.chance(model.spikeProbability);
      const spikeMs = random.int(model.spikeMinMs, model.spikeMaxMs);
      return spike ? spikeMs : base;
    }
  }
}
