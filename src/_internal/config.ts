/**
 * Checks shared by every config object: it is a plain object and has no
 * unknown fields (a misspelt field would otherwise be ignored silently).
 */
import { describeValue, ValueError } from './errors.js';

/** @hidden */
export function checkConfigObject(fn: string, config: unknown, name = 'config'): void {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ValueError(`${fn}: invalid \`${name}\`: expected an object, received ${describeValue(config)}.`);
  }
}

/** @hidden */
export function checkKnownKeys(
  fn: string,
  config: object,
  known: readonly string[],
  name = 'config',
): void {
  for (const key of Object.keys(config)) {
    if (!known.includes(key)) {
      throw new ValueError(
        `${fn}: unknown ${name} field \`${key}\`: expected one of ${known.map((k) => `\`${k}\``).join(', ')}.`,
      );
    }
  }
}

/**
 * `{ [key]: value }` when `value` is defined, else `{}`: spreads an optional
 * field into an object under `exactOptionalPropertyTypes`
 * (`{ ...optional('seed', seed) }`).
 * @hidden
 */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
