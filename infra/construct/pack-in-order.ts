/**
 * Splits `items` into consecutive runs, in order, each within `budget`: a run costs `base` plus the `sizeOf` of
 * each item in it. An item larger than the budget on its own still gets a run of its own.
 */
export function packInOrder<T>(items: readonly T[], options: { budget: number; base: number; sizeOf: (item: T) => number }): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let size = options.base;
  for (const item of items) {
    const itemSize = options.sizeOf(item);
    if (run.length > 0 && size + itemSize > options.budget) {
      runs.push(run);
      run = [];
      size = options.base;
    }
    run.push(item);
    size += itemSize;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
