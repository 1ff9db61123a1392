import { formatCount, shortDay } from '@/lib/format';
import { Axes } from './axes';
import { frame, niceMax, plotHeight, plotWidth } from './scale';

export interface DailyValue {
  day: string;
  value: number;
  complete: boolean;
}

/**
 * A bar per day, rendered on the server as SVG (readable without JavaScript): bars in currentColor (or
 * `--chart-bar`) so a theme recolours them, each with a <title> (the native tooltip; ChartTooltips adds a richer
 * one). The incomplete current day is drawn hollow and dashed, and says so in its title.
 */
export function BarChart({ label, unit, data }: { label: string; unit: string; data: DailyValue[] }) {
  const max = niceMax(Math.max(0, ...data.map((point) => point.value)));
  const slot = plotWidth / Math.max(1, data.length);
  const width = Math.max(1, slot * 0.7);
  return (
    <svg viewBox={`0 0 ${frame.width} ${frame.height}`} role="img" aria-label={label} className="h-auto w-full" data-chart="bar">
      <Axes max={max} days={data.map((point) => point.day)} />
      {data.map((point, index) => {
        const height = (point.value / max) * plotHeight;
        const x = frame.left + index * slot + (slot - width) / 2;
        const y = frame.top + plotHeight - height;
        const text = `${shortDay(point.day)}: ${formatCount(point.value)} ${unit}${point.complete ? '' : ' (so far today: incomplete)'}`;
        return (
          <g key={point.day} data-tooltip="">
            {/* The whole column is the hover target, so a day of 0 still has a tooltip. */}
            <rect x={frame.left + index * slot} y={frame.top} width={slot} height={plotHeight} fill="transparent" />
            <rect
              x={x}
              y={y}
              width={width}
              height={Math.max(height, 0.5)}
              style={{ fill: point.complete ? 'var(--chart-bar, currentColor)' : 'none', stroke: 'var(--chart-bar, currentColor)' }}
              fillOpacity={0.8}
              strokeDasharray={point.complete ? undefined : '3 2'}
              data-incomplete={point.complete ? undefined : 'true'}
            />
            <title>{text}</title>
          </g>
        );
      })}
    </svg>
  );
}
