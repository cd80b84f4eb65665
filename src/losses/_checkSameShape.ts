/**
 * The input check of the losses that compare two tensors example by example
 * (the VAE terms, the image-to-image losses).
 */
import { ValueError } from '../_internal/errors.js';
import { checkTensor, formatShape } from '../_internal/validate.js';

/**
 * Checks that `a` and `b` are tensors of rank ≥ 1 (`[B, …]`) with the same shape.
 * @hidden
 */
export function checkSameShape(fn: string, nameA: string, a: unknown, nameB: string, b: unknown): void {
  const ta = checkTensor(fn, nameA, a);
  const tb = checkTensor(fn, nameB, b);
  for (const [name, t] of [[nameA, ta], [nameB, tb]] as const) {
    if (t.rank < 1) {
      throw new ValueError(`${fn}: invalid \`${name}\` shape: expected rank >= 1 ([B, …]), received ${formatShape(t.shape)}.`);
    }
  }
  if (ta.rank !== tb.rank || ta.shape.some((d, i) => d !== tb.shape[i])) {
    throw new ValueError(
      `${fn}: ${nameA} and ${nameB} must have the same shape: received ${formatShape(ta.shape)} and ${formatShape(tb.shape)}.`,
    );
  }
}
