/**
 * μ-law companding on single values, for the loops that work on plain arrays
 * (training windows, sample-by-sample generation). The tensor versions are
 * muLawEncode / muLawDecode; tests check the two agree.
 */

/** Class `⌊(F(x) + 1)/2 · μ + ½⌋` of `x` clipped to [-1, 1], `F(x) = sign(x) ln(1 + μ|x|) / ln(1 + μ)`. @hidden */
export function muLawEncodeValue(x: number, mu: number): number {
  const v = Math.max(-1, Math.min(1, x));
  const f = (Math.sign(v) * Math.log1p(mu * Math.abs(v))) / Math.log1p(mu);
  return Math.floor(((f + 1) / 2) * mu + 0.5);
}

/** Waveform value of class `q`: `y = 2q/μ - 1`, `sign(y) ((1 + μ)^|y| - 1) / μ`. @hidden */
export function muLawDecodeValue(q: number, mu: number): number {
  const y = (2 * q) / mu - 1;
  return (Math.sign(y) * ((1 + mu) ** Math.abs(y) - 1)) / mu;
}
