import { formatCount, shortDay } from '@/lib/format';
import { frame, plotHeight, plotWidth } from './scale';

/** The y gridlines with their values and the first/last day under the x axis; drawn in currentColor, faint. */
export function Axes({ max, days }: { max: number; days: string[] }) {
  const ticks = [0, max / 2, max];
  return (
    <g aria-hidden="true" fontSize="11" fill="currentColor">
      {ticks.map((tick) => {
        const y = frame.top + plotHeight - (tick / max) * plotHeight;
        return (
          <g key={tick}>
            <line x1={frame.left} x2={frame.left + plotWidth} y1={y} y2={y} stroke="currentColor" strokeOpacity="0.15" />
            <text x={frame.left - 6} y={y + 4} textAnchor="end" fillOpacity="0.7">
              {Number.isInteger(tick) ? formatCount(tick) : tick.toFixed(1)}
            </text>
          </g>
        );
      })}
      {days.length > 0 && (
        <>
          <text x={frame.left} y={frame.height - 6} fillOpacity="0.7">
            {shortDay(days[0]!)}
          </text>
          <text x={frame.left + plotWidth} y={frame.height - 6} textAnchor="end" fillOpacity="0.7">
            {shortDay(days.at(-1)!)} (today)
          </text>
        </>
      )}
    </g>
  );
}
