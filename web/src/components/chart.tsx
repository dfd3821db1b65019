// Metric curves with uPlot: canvas drawing made for series of 100,000 points and more. Drag to
// zoom (double-click or "Reset zoom" to undo), log scale, exponential smoothing. What a chart
// shows is also published on window.__fsdfm.charts (series, point counts, last values), which
// the browser tests and the render benchmark read instead of pixels.
import uPlot from 'uplot'
import { useEffect, useRef, useState } from 'preact/hooks'

export interface Series {
  label: string
  x: ArrayLike<number>
  y: ArrayLike<number | null>
}

export interface ChartState {
  series: { label: string; points: number; last: number | null }[]
  log: boolean
  smoothing: number
  renderedAt: number
}

declare global {
  interface Window {
    __fsdfm?: { charts: Record<string, ChartState>; [key: string]: unknown }
  }
}

export function publish(id: string, state: ChartState): void {
  window.__fsdfm ??= { charts: {} }
  window.__fsdfm.charts[id] = state
}

/** Debiased exponential moving average (weight 0: the raw series). */
export function smooth(y: ArrayLike<number | null>, weight: number): (number | null)[] {
  const out: (number | null)[] = new Array(y.length)
  let acc = 0
  let n = 0
  for (let i = 0; i < y.length; i++) {
    const v = y[i]
    if (v === null || !Number.isFinite(v)) {
      out[i] = null
      continue
    }
    acc = acc * weight + (1 - weight) * v
    n++
    out[i] = weight === 0 ? v : acc / (1 - weight ** n)
  }
  return out
}

const COLORS = ['#1f5fbf', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490', '#a16207', '#be185d']

/** Series with different steps on one x axis (uPlot wants one shared x). */
function align(series: Series[], log: boolean, weight: number): uPlot.AlignedData {
  const ys = series.map((s) => {
    const y = smooth(s.y, weight)
    return log ? y.map((v) => (v !== null && v > 0 ? v : null)) : y
  })
  if (series.length === 1) return [Array.from(series[0].x), ys[0]] as uPlot.AlignedData
  return uPlot.join(series.map((s, i) => [Array.from(s.x), ys[i]] as uPlot.AlignedData))
}

export function Chart({ id, title, series, version, height = 220, xLabel = 'step' }: { id: string; title: string; series: Series[]; version: number; height?: number; xLabel?: string }) {
  const box = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const [log, setLog] = useState(false)
  const [weight, setWeight] = useState(0)
  const labels = series.map((s) => s.label).join('\n')

  // A new plot when what it is built from changes (the series, the scale); otherwise new data only.
  useEffect(() => {
    const el = box.current!
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 300),
      height,
      scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
      axes: [{ label: xLabel }, {}],
      series: [{ label: xLabel }, ...series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true }))],
      legend: { live: true },
    }
    const u = new uPlot(opts, align(series, log, weight), el)
    plot.current = u
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(el.clientWidth, 300), height }))
    resize.observe(el)
    return () => {
      resize.disconnect()
      u.destroy()
      plot.current = null
    }
  }, [labels, log, height])

  useEffect(() => {
    const u = plot.current
    if (u) u.setData(align(series, log, weight), true)
    publish(id, {
      series: series.map((s) => ({ label: s.label, points: s.x.length, last: s.y.length ? s.y[s.y.length - 1] : null })),
      log,
      smoothing: weight,
      renderedAt: performance.now(),
    })
  }, [version, labels, log, weight])

  const total = series.reduce((n, s) => n + s.x.length, 0)
  return (
    <figure class="chart" data-chart={id} data-points={total}>
      <figcaption>
        <span class="chart-title">{title}</span>
        <label>
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.currentTarget.checked)} /> log scale
        </label>
        <label>
          smoothing <input type="range" min={0} max={0.99} step={0.01} value={weight} onInput={(e) => setWeight(Number(e.currentTarget.value))} aria-valuetext={weight.toFixed(2)} />
        </label>
        <button type="button" class="small" onClick={() => plot.current?.setData(plot.current.data, true)} title="Also: double-click the chart">
          Reset zoom
        </button>
      </figcaption>
      <div ref={box} class="chart-box" role="img" aria-label={`${title}: ${series.map((s) => `${s.label}, ${s.x.length} points`).join('; ')}. Drag to zoom.`} />
    </figure>
  )
}
