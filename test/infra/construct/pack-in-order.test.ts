import { describe, expect, it } from 'vitest';
import { packInOrder } from '../../../infra/construct/pack-in-order.js';

const bySize = (budget: number, base = 0) => ({ budget, base, sizeOf: (item: number) => item });

describe('packInOrder', () => {
  it('keeps the items in order, starting a new run where the next item would pass the budget', () => {
    expect(packInOrder([3, 4, 2, 5, 1], bySize(7))).toEqual([[3, 4], [2, 5], [1]]);
  });

  it('fills a run up to the budget exactly', () => {
    expect(packInOrder([2, 2, 3, 7], bySize(7))).toEqual([[2, 2, 3], [7]]);
  });

  it('counts the base of every run', () => {
    expect(packInOrder([1, 2, 3, 4], bySize(7))).toEqual([[1, 2, 3], [4]]);
    expect(packInOrder([1, 2, 3, 4], bySize(7, 2))).toEqual([[1, 2], [3], [4]]);
  });

  it('gives an item larger than the budget a run of its own', () => {
    expect(packInOrder([1, 10, 1], bySize(5))).toEqual([[1], [10], [1]]);
  });

  it('makes no run of nothing', () => {
    expect(packInOrder([], bySize(5))).toEqual([]);
  });
});
