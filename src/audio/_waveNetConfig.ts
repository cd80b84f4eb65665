/**
 * The resolved config of {@link buildWaveNet}: defaults applied and every
 * field checked, shared by `buildWaveNet` and `receptiveField`.
 */
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { checkMaxParameters, formatCount } from '../_internal/budget.js';
import { invalidField, ValueError } from '../_internal/errors.js';
import { checkBoolean, checkOptionalSeed, checkPositiveInt } from '../_internal/validate.js';
import type { WaveNetConfig } from './buildWaveNet.js';

const KEYS = ['residualChannels', 'skipChannels', 'kernelSize', 'dilations', 'quantizationLevels', 'conditioningDim', 'seed', 'recompute', 'maxParameters'] as const satisfies readonly (keyof WaveNetConfig)[];

/** @hidden */
export interface ResolvedWaveNetConfig {
  residualChannels: number;
  skipChannels: number;
  kernelSize: number;
  /** The dilations, built on demand (after the budget check: a cycle count of 1e9 must not build an array). */
  dilations: () => number[];
  /** Number of blocks, in closed form. */
  blocks: number;
  /** The field that sets the number of blocks, for messages. */
  blocksField: string;
  /** `(kernelSize − 1) · Σ dilations + 1`, in closed form (a safe integer). */
  receptiveField: number;
  quantizationLevels: number;
  conditioningDim: number | null;
  seed: number | undefined;
  recompute: boolean;
  maxParameters: number | undefined;
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
  let dilations: () => number[];
  let blocks: number;
  let blocksField: string;
  let dilationSum: number;
  if (Array.isArray(d)) {
    if (d.length === 0) throw invalidField(fn, 'dilations', 'a non-empty list of positive integers', d);
    const list = d.map((v: unknown, i) => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw invalidField(fn, `dilations[${i}]`, 'a positive integer', v);
      return v;
    });
    dilations = () => list;
    blocks = list.length;
    blocksField = 'dilations';
    dilationSum = list.reduce((a, b) => a + b, 0);
  } else if (d !== null && typeof d === 'object') {
    checkKnownKeys(fn, d, ['layersPerCycle', 'cycles'], 'dilations');
    const { layersPerCycle, cycles } = d as { layersPerCycle: unknown; cycles: unknown };
    const l = checkPositiveInt(fn, 'dilations.layersPerCycle', layersPerCycle);
    const c = checkPositiveInt(fn, 'dilations.cycles', cycles);
    dilations = () => Array.from({ length: l * c }, (_, i) => 2 ** (i % l));
    blocks = l * c;
    blocksField = 'dilations.cycles';
    // Σ over c cycles of 1 + 2 + … + 2^(l−1) = c · (2^l − 1): no array, whatever the count.
    dilationSum = c * (2 ** l - 1);
  } else {
    throw invalidField(fn, 'dilations', 'a list of positive integers or { layersPerCycle, cycles }', d);
  }
  const quantizationLevels = config.quantizationLevels ?? 256;
  if (typeof quantizationLevels !== 'number' || !Number.isInteger(quantizationLevels) || quantizationLevels < 2) {
    throw invalidField(fn, 'quantizationLevels', 'an integer >= 2', quantizationLevels);
  }
  const recompute = checkBoolean(fn, 'recompute', config.recompute ?? false);
  const receptiveField = (kernelSize - 1) * dilationSum + 1;
  if (!Number.isSafeInteger(receptiveField)) {
    throw new ValueError(`${fn}: \`${blocksField === 'dilations' ? 'dilations' : 'dilations.layersPerCycle'}\`, \`kernelSize\` too large: the receptive field (kernelSize − 1) · Σ dilations + 1 = ${formatCount(receptiveField)} samples is beyond 2^53.`);
  }
  return {
    recompute,
    residualChannels: checkPositiveInt(fn, 'residualChannels', config.residualChannels ?? 64),
    skipChannels: checkPositiveInt(fn, 'skipChannels', config.skipChannels ?? 256),
    kernelSize,
    dilations,
    blocks,
    blocksField,
    receptiveField,
    quantizationLevels,
    conditioningDim: config.conditioningDim === undefined ? null : checkPositiveInt(fn, 'conditioningDim', config.conditioningDim),
    seed: checkOptionalSeed(fn, 'seed', config.seed),
    maxParameters: checkMaxParameters(fn, config.maxParameters),
  };
}
