// A value the test needs to be there, without a non-null assertion: the test fails, saying what was missing.

/** `value`, or a failed test naming `what` when it is null or undefined. */
export function defined<T>(value: T | null | undefined, what = 'value'): T {
  if (value === undefined || value === null) throw new Error(`Expected a ${what}, got ${String(value)}`);
  return value;
}
