// ECharts for the console, tree-shaken to what its pages draw (line, bar
// and pie on a canvas), registered once; `VChart` is vue-echarts' component.
// Every chart carries ECharts' aria description, so a screen reader hears
// what the picture shows.
import { use } from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import {
  AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import VChart from 'vue-echarts';

use([
  BarChart, LineChart, PieChart, AriaComponent, GridComponent, LegendComponent, MarkLineComponent,
  TitleComponent, TooltipComponent, CanvasRenderer,
]);

export { VChart };

/** Fen as a number of yuan for a chart's axis (display only; sums stay in fen). */
export function chartYuan(value: { fen: number } | number | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const fen = typeof value === 'object' ? value.fen : value;
  return fen / 100;
}

/**
 * What every chart of the console shares: no entry animation (the figures
 * are on view at once; an animation would hold the picture back a second),
 * ECharts' aria description on.
 */
export const BASE = { animation: false, aria: { enabled: true } };

/** The palette: the console's darker primary first (contrast on white). */
export const PALETTE = ['#1d4ed8', '#b45309', '#15803d', '#7c3aed', '#be123c', '#0e7490', '#4b5563'];
