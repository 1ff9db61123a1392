/** A "nice" upper bound for an axis (1, 2 or 5 × 10ⁿ at or above `max`), so ticks land on round numbers. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((step) => step * power).find((bound) => bound >= max)!;
}

/** Chart geometry shared by the bar and line charts: the plot area inside the axis labels. */
export const frame = { width: 640, height: 200, left: 44, right: 8, top: 8, bottom: 24 } as const;
export const plotWidth = frame.width - frame.left - frame.right;
export const plotHeight = frame.height - frame.top - frame.bottom;
