import * as echarts from 'echarts/core';
import { FunnelChart, GaugeChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, TitleComponent, LegendComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { getLang, money, t } from './i18n.ts';
import { trendPoints } from './figures.ts';

echarts.use([GaugeChart, LineChart, FunnelChart, GridComponent, TooltipComponent, TitleComponent, LegendComponent, CanvasRenderer]);

const live: echarts.ECharts[] = [];
/** Charts are disposed when the view changes and resized with the window. */
export function disposeCharts() {
  while (live.length) live.pop()!.dispose();
}
window.addEventListener('resize', () => live.forEach((c) => c.resize()));

function chart(el: HTMLElement, option: echarts.EChartsCoreOption) {
  const instance = echarts.init(el, undefined, { renderer: 'canvas' });
  instance.setOption({ animation: false, ...option });
  live.push(instance);
  return instance;
}

/** Attainment against the three tiers: one gauge per tier, each 0–150 %. */
export function attainmentGauges(el: HTMLElement, attainment: { base: number; sprint: number; challenge: number }) {
  const tiers = (['base', 'sprint', 'challenge'] as const).map((tier, i) => ({ tier, value: attainment[tier] * 100, center: [`${17 + i * 33}%`, '58%'] }));
  return chart(el, {
    tooltip: { formatter: '{b}: {c}%' },
    series: tiers.map(({ tier, value, center }) => ({
      type: 'gauge',
      center,
      radius: '70%',
      min: 0,
      max: 150,
      startAngle: 210,
      endAngle: -30,
      progress: { show: true, width: 10 },
      axisLine: { lineStyle: { width: 10, color: [[100 / 150, '#e5e7eb'], [1, '#d1fae5']] } },
      axisTick: { show: false },
      splitLine: { length: 6 },
      axisLabel: { show: false },
      pointer: { width: 4 },
      title: { offsetCenter: [0, '80%'], fontSize: 13 },
      detail: { valueAnimation: false, formatter: (v: number) => `${v.toFixed(1)}%`, fontSize: 16, offsetCenter: [0, '45%'] },
      data: [{ value: Number(value.toFixed(1)), name: t(tier) }],
    })),
  });
}

/** Actuals per month; months after `thisMonth` (YYYY-MM) have no actual yet: null, so the line stops instead of dropping to 0. */
export function trendLine(el: HTMLElement, trend: { month: string; amount: number }[], currency: string, thisMonth: string) {
  return chart(el, {
    grid: { left: 70, right: 16, top: 24, bottom: 30 },
    tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v === null || v === undefined ? '—' : money(v * 100, currency)) },
    xAxis: { type: 'category', data: trend.map((m) => m.month) },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => new Intl.NumberFormat(getLang(), { notation: 'compact' }).format(v) } },
    series: [{ type: 'line', smooth: true, areaStyle: { opacity: 0.15 }, data: trendPoints(trend, thisMonth) }],
  });
}

export function funnel(el: HTMLElement, stages: { name: string; entered: number }[]) {
  return chart(el, {
    tooltip: { trigger: 'item', formatter: '{b}: {c}' },
    series: [{ type: 'funnel', sort: 'none', left: '10%', width: '80%', minSize: '8%', label: { show: true, position: 'inside', formatter: '{b}: {c}' }, data: stages.map((s) => ({ name: s.name, value: s.entered })) }],
  });
}
