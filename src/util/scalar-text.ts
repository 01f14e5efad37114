/**
 * The text of a value read from a stranger's document (JSON, YAML, XML,
 * TOML): strings as they are, numbers and booleans spelled out, anything
 * else (an object where a string belongs) the fallback, never
 * "[object Object]".
 */
export function scalarText(value: unknown, fallback = ''): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return fallback;
}
