'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * With JavaScript, a styled tooltip that follows the pointer over any `[data-tooltip]` element of the charts inside,
 * showing the text of its SVG <title> (without JavaScript, those are the native tooltips; the text is sent once, not
 * once more in an attribute: the overview has hundreds). Keyboard users get the same figures from the
 * numbers page each chart links to.
 */
export function ChartTooltips({ children }: { children: React.ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [tip, setTip] = useState<{ text: string; x: number; y: number } | null>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const move = (event: PointerEvent) => {
      const target = (event.target as Element | null)?.closest('[data-tooltip]');
      if (!target) return setTip(null);
      const bounds = element.getBoundingClientRect();
      setTip({ text: target.querySelector('title')?.textContent ?? '', x: event.clientX - bounds.left, y: event.clientY - bounds.top });
    };
    const leave = () => setTip(null);
    element.addEventListener('pointermove', move);
    element.addEventListener('pointerleave', leave);
    return () => {
      element.removeEventListener('pointermove', move);
      element.removeEventListener('pointerleave', leave);
    };
  }, []);

  return (
    <div ref={box} className="relative">
      {children}
      {tip && (
        <div role="tooltip" className="pointer-events-none absolute z-10 -translate-x-1/2 -translate-y-full rounded bg-slate-900 px-2 py-1 text-xs whitespace-nowrap text-white shadow" style={{ left: tip.x, top: tip.y - 8 }}>
          {tip.text}
        </div>
      )}
    </div>
  );
}
