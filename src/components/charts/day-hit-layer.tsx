import { frame, plotHeight } from './scale';

/**
 * One transparent column per day carrying that day's text as an SVG <title>: the native tooltip without JavaScript,
 * and what ChartTooltips reads with it. The whole column is the target, so a day of 0 still has a tooltip. This is
 * the only per-day markup of a chart (the marks themselves are one path per series), which keeps the overview small.
 */
export function DayHitLayer({ texts, slot }: { texts: string[]; slot: number }) {
  return (
    <g fill="transparent">
      {texts.map((text, index) => (
        <rect key={index} x={round(frame.left + index * slot)} y={frame.top} width={round(slot)} height={plotHeight} data-tooltip="">
          <title>{text}</title>
        </rect>
      ))}
    </g>
  );
}

/** Two decimals are finer than any screen pixel of a 640-unit-wide chart and keep the markup short. */
export const round = (value: number): number => Math.round(value * 100) / 100;
