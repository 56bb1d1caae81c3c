// Order statistics of a sample, as the report states them.

/** The value at rank ceil(p/100 * n) of the sorted sample (nearest rank): p99 of 200 values is the 198th. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('A percentile of no values.');
  const sorted = [...values].sort((a, b) => a - b);
  return valueAt(sorted, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
}

/** The middle value; the mean of the two middle values of an even sample. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('A median of no values.');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? valueAt(sorted, middle) : (valueAt(sorted, middle - 1) + valueAt(sorted, middle)) / 2;
}

function valueAt(sorted: readonly number[], index: number): number {
  const value = sorted[index];
  if (value === undefined) throw new Error(`No value at index ${index} of a sample of ${sorted.length}.`);
  return value;
}
