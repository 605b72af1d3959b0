import { onWindowGrid } from './grid.ts';

const window = { start: new Date(10_000), end: new Date(20_000), stepSeconds: 5 };

describe('onWindowGrid', () => {
  it('gives every step of the window a point, null where the series had none', () => {
    expect(onWindowGrid([[15_000, 2]], window)).toEqual([
      [10_000, null],
      [15_000, 2],
      [20_000, null],
    ]);
  });

  it('keeps zero values as values, not gaps', () => {
    expect(onWindowGrid([[10_000, 0]], window)[0]).toEqual([10_000, 0]);
  });

  it('puts two series that start at different instants on the same indices', () => {
    const early = onWindowGrid(
      [
        [10_000, 1],
        [15_000, 1],
        [20_000, 1],
      ],
      window,
    );
    const late = onWindowGrid([[20_000, 3]], window);
    expect(early.map(([t]) => t)).toEqual(late.map(([t]) => t));
    expect(late[2]).toEqual([20_000, 3]);
  });
});
