/**
 * The input check of the two reparameterization entry points
 * (`reparameterize` and the `GaussianSample` layer).
 */
import { ValueError } from '../_internal/errors.js';
import { checkTensor, formatShape } from '../_internal/validate.js';

/**
 * Checks that `mean` and `logVar` are tensors of the same shape.
 * @hidden
 */
export function checkMeanLogVar(fn: string, mean: unknown, logVar: unknown): void {
  const m = checkTensor(fn, 'mean', mean);
  const v = checkTensor(fn, 'logVar', logVar);
  if (m.rank !== v.rank || m.shape.some((d, i) => d !== v.shape[i])) {
    throw new ValueError(
      `${fn}: mean and logVar must have the same shape: received ${formatShape(m.shape)} and ${formatShape(v.shape)}.`,
    );
  }
}
