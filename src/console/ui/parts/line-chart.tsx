// A live time-series chart (uPlot: small and fast, canvas). The series' latest values are also
// written to data-latest so tests and assistive text can read what the chart shows.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface Series {
  label: string;
  color: string;
}

export function LineChart({ title, series, times, values, format }: { title: string; series: Series[]; times: number[]; values: number[][]; format: (n: number) => string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    if (!box.current) return;
    const opts: uPlot.Options = {
      width: Math.max(280, box.current.clientWidth || 480),
      height: 180,
      legend: { show: true },
      // A fixed two-minute window ending at the newest sample (uPlot would stretch one point over years).
      scales: { x: { time: true, range: (_u, _min, max) => [max - 120, max] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{ stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } }, { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' }, size: 70, values: (_u, ticks) => ticks.map(format) }],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, value: (_u: uPlot, v: number | null) => (v === null ? '–' : format(v)) }))],
    };
    plot.current = new uPlot(opts, [[], ...series.map(() => [])], box.current);
    return () => plot.current?.destroy();
  }, [series.map((s) => s.label).join()]);
  useEffect(() => {
    plot.current?.setData([times.map((t) => t / 1000), ...values] as uPlot.AlignedData);
  }, [times, values]);
  const latest = values.map((v) => v[v.length - 1] ?? 0);
  return (
    <figure class="chart" aria-label={title}>
      <figcaption>
        {title}: {series.map((s, i) => `${s.label} ${format(latest[i] ?? 0)}`).join(', ')}
      </figcaption>
      <div ref={box} data-latest={latest.join(',')} data-points={times.length} aria-hidden="true" />
    </figure>
  );
}
