/**
 * Input check shared by the image-to-image losses.
 */
import { ValueError } from '../_internal/errors.js';
import { checkTensor, formatShape } from '../_internal/validate.js';

/**
 * Checks two tensors (each `[name, value]`) are tensors of one shape, of rank ≥ 1.
 * @hidden
 */
export function checkSameShape(fn: string, [nameA, a]: [string, unknown], [nameB, b]: [string, unknown]): void {
  const x = checkTensor(fn, nameA, a);
  const y = checkTensor(fn, nameB, b);
  if (x.rank < 1 || x.rank !== y.rank || x.shape.some((d, i) => d !== y.shape[i])) {
    throw new ValueError(
      `${fn}: \`${nameA}\` and \`${nameB}\` must have the same shape [B, …]: received ${formatShape(x.shape)} and ${formatShape(y.shape)}.`,
    );
  }
}
