/**
 * The resolved config of {@link buildWaveNet}: defaults applied and every
 * field checked, shared by `buildWaveNet` and `receptiveField`.
 */
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { invalidField } from '../_internal/errors.js';
import { checkBoolean, checkOptionalSeed, checkPositiveInt } from '../_internal/validate.js';
import type { WaveNetConfig } from './buildWaveNet.js';

const KEYS = ['residualChannels', 'skipChannels', 'kernelSize', 'dilations', 'quantizationLevels', 'conditioningDim', 'seed', 'recompute'] as const satisfies readonly (keyof WaveNetConfig)[];

/** @hidden */
export interface ResolvedWaveNetConfig {
  residualChannels: number;
  skipChannels: number;
  kernelSize: number;
  dilations: number[];
  quantizationLevels: number;
  conditioningDim: number | null;
  seed: number | undefined;
  recompute: boolean;
}

/** Validates a WaveNet config (shared with receptiveField). @hidden */
export function resolveWaveNetConfig(fn: string, config: WaveNetConfig): ResolvedWaveNetConfig {
  checkConfigObject(fn, config);
  checkKnownKeys(fn, config, KEYS);
  const kernelSize = config.kernelSize ?? 2;
  if (typeof kernelSize !== 'number' || !Number.isInteger(kernelSize) || kernelSize < 1) {
    throw invalidField(fn, 'kernelSize', 'an integer >= 1', kernelSize);
  }
  const d = config.dilations ?? { layersPerCycle: 10, cycles: 2 };
  let dilations: number[];
  if (Array.isArray(d)) {
    if (d.length === 0) throw invalidField(fn, 'dilations', 'a non-empty list of positive integers', d);
    dilations = d.map((v: unknown, i) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw invalidField(fn, `dilations[${i}]`, 'a positive integer', v);
      return v;
    });
  } else if (d !== null && typeof d === 'object') {
    const { layersPerCycle, cycles } = d as { layersPerCycle: unknown; cycles: unknown };
    const l = checkPositiveInt(fn, 'dilations.layersPerCycle', layersPerCycle);
    const c = checkPositiveInt(fn, 'dilations.cycles', cycles);
    dilations = Array.from({ length: l * c }, (_, i) => 2 ** (i % l));
  } else {
    throw invalidField(fn, 'dilations', 'a list of positive integers or { layersPerCycle, cycles }', d);
  }
  const quantizationLevels = config.quantizationLevels ?? 256;
  if (typeof quantizationLevels !== 'number' || !Number.isInteger(quantizationLevels) || quantizationLevels < 2) {
    throw invalidField(fn, 'quantizationLevels', 'an integer >= 2', quantizationLevels);
  }
  const recompute = checkBoolean(fn, 'recompute', config.recompute ?? false);
  return {
    recompute,
    residualChannels: checkPositiveInt(fn, 'residualChannels', config.residualChannels ?? 64),
    skipChannels: checkPositiveInt(fn, 'skipChannels', config.skipChannels ?? 256),
    kernelSize,
    dilations,
    quantizationLevels,
    conditioningDim: config.conditioningDim === undefined ? null : checkPositiveInt(fn, 'conditioningDim', config.conditioningDim),
    seed: checkOptionalSeed(fn, 'seed', config.seed),
  };
}
