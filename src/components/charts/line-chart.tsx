import { formatCount, shortDay } from '@/lib/format';
import { Axes } from './axes';
import { DayHitLayer, round } from './day-hit-layer';
import { frame, niceMax, plotHeight, plotWidth } from './scale';

export interface Series {
  name: string;
  values: number[];
  /** A CSS colour (a variable, so themes can recolour it); lines are also told apart by dashes. */
  color: string;
  dash?: string;
}

/**
 * Several daily series as lines on one SVG, rendered on the server. Each day has a transparent column (DayHitLayer)
 * carrying a <title> with every series' value (native tooltip; ChartTooltips adds a richer one); the last, incomplete
 * day's segment is dashed and its column shaded.
 */
export function LineChart({ label, days, series, complete }: { label: string; days: string[]; series: Series[]; complete: boolean[] }) {
  const max = niceMax(Math.max(0, ...series.flatMap((line) => line.values)));
  const slot = plotWidth / Math.max(1, days.length);
  const x = (index: number) => round(frame.left + index * slot + slot / 2);
  const y = (value: number) => round(frame.top + plotHeight - (value / max) * plotHeight);
  const firstIncomplete = complete.findIndex((done) => !done);
  const settled = firstIncomplete === -1 ? days.length : firstIncomplete;
  const texts = days.map(
    (day, index) => `${shortDay(day)}${complete[index] ? '' : ' (incomplete)'}: ${series.map((line) => `${line.name} ${formatCount(line.values[index]!)}`).join(', ')}`,
  );
  return (
    <svg viewBox={`0 0 ${frame.width} ${frame.height}`} role="img" aria-label={label} className="h-auto w-full" data-chart="line">
      <Axes max={max} days={days} />
      {firstIncomplete !== -1 && <rect x={frame.left + firstIncomplete * slot} y={frame.top} width={slot * (days.length - firstIncomplete)} height={plotHeight} fill="currentColor" fillOpacity="0.06" data-incomplete="true" />}
      {series.map((line) => {
        const points = line.values.map((value, index) => `${x(index)},${y(value)}`);
        return (
          <g key={line.name} fill="none" style={{ stroke: line.color }} strokeWidth="2">
            <polyline points={points.slice(0, settled).join(' ')} strokeDasharray={line.dash} />
            {settled < days.length && <polyline points={points.slice(Math.max(0, settled - 1)).join(' ')} strokeDasharray="2 3" strokeOpacity="0.7" />}
          </g>
        );
      })}
      <DayHitLayer texts={texts} slot={slot} />
    </svg>
  );
}
