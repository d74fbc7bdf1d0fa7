'use client';
// Drag across a chart to zoom its x axis: the dragged span is shaded while
// the button is held and becomes the new domain when it is let go. Charts that
// share an axis share the zoom through `onZoom`.
import { useState } from 'react';
import { ReferenceArea } from 'recharts';
import type { MouseHandlerDataParam } from 'recharts';

/** Spans narrower than this fraction of the shown domain are clicks, not drags. */
const MIN_FRACTION = 0.005;

export interface DragZoom {
  /** Handlers for the chart's onMouseDown/onMouseMove/onMouseUp/onMouseLeave. */
  handlers: {
    onMouseDown: (e: MouseHandlerDataParam) => void;
    onMouseMove: (e: MouseHandlerDataParam) => void;
    onMouseUp: () => void;
    onMouseLeave: () => void;
  };
  /** The shaded span while dragging; render it inside the chart. */
  area: React.ReactNode;
  dragging: boolean;
}

const at = (e: MouseHandlerDataParam): number | undefined => {
  const v = Number(e.activeLabel);
  return e.activeLabel === undefined || Number.isNaN(v) ? undefined : v;
};

export function useDragZoom(domain: [number, number], onZoom: (lo: number, hi: number) => void): DragZoom {
  const [span, setSpan] = useState<{ from: number; to: number } | null>(null);
  const end = () => {
    if (span) {
      const lo = Math.min(span.from, span.to);
      const hi = Math.max(span.from, span.to);
      if (hi - lo > (domain[1] - domain[0]) * MIN_FRACTION) onZoom(lo, hi);
    }
    setSpan(null);
  };
  return {
    handlers: {
      onMouseDown: (e) => {
        const t = at(e);
        if (t !== undefined) setSpan({ from: t, to: t });
      },
      onMouseMove: (e) => {
        const t = at(e);
        if (span && t !== undefined && t !== span.to) setSpan({ ...span, to: t });
      },
      onMouseUp: end,
      onMouseLeave: () => setSpan(null),
    },
    area: span ? <ReferenceArea x1={span.from} x2={span.to} fill="#93c5fd" fillOpacity={0.35} ifOverflow="hidden" data-zoom-area /> : null,
    dragging: span !== null,
  };
}
