import { formatCount, shortDay } from '@/lib/format';
import { Axes } from './axes';
import { DayHitLayer, round } from './day-hit-layer';
import { frame, niceMax, plotHeight, plotWidth } from './scale';

export interface DailyValue {
  day: string;
  value: number;
  complete: boolean;
}

/**
 * A bar per day, rendered on the server as SVG (readable without JavaScript): the bars are one path in currentColor
 * (or `--chart-bar`) so a theme recolours them, and each day has a <title> in the hit layer (the native tooltip;
 * ChartTooltips adds a richer one). The incomplete current day is a second path, hollow and dashed, and its title
 * says so.
 */
export function BarChart({ label, unit, data }: { label: string; unit: string; data: DailyValue[] }) {
  const max = niceMax(Math.max(0, ...data.map((point) => point.value)));
  const slot = plotWidth / Math.max(1, data.length);
  const width = round(Math.max(1, slot * 0.7));
  const bar = (point: DailyValue, index: number) => {
    const height = round(Math.max((point.value / max) * plotHeight, 0.5));
    return `M${round(frame.left + index * slot + (slot - width) / 2)} ${round(frame.top + plotHeight - height)}h${width}v${height}h${-width}z`;
  };
  const settled = data.map((point, index) => (point.complete ? bar(point, index) : '')).join('');
  const incomplete = data.map((point, index) => (point.complete ? '' : bar(point, index))).join('');
  const texts = data.map((point) => `${shortDay(point.day)}: ${formatCount(point.value)} ${unit}${point.complete ? '' : ' (so far today: incomplete)'}`);
  return (
    <svg viewBox={`0 0 ${frame.width} ${frame.height}`} role="img" aria-label={label} className="h-auto w-full" data-chart="bar">
      <Axes max={max} days={data.map((point) => point.day)} />
      <g style={{ fill: 'var(--chart-bar, currentColor)', stroke: 'var(--chart-bar, currentColor)' }} fillOpacity={0.8}>
        {settled && <path d={settled} />}
        {incomplete && <path d={incomplete} style={{ fill: 'none' }} strokeDasharray="3 2" data-incomplete="true" />}
      </g>
      <DayHitLayer texts={texts} slot={slot} />
    </svg>
  );
}
