// Metric curves with uPlot: canvas drawing made for series of 100,000 points and more. Drag to
// zoom (double-click or "Reset zoom" to undo), log scale, exponential smoothing. What a chart
// shows is also published on window.__fsdfm.charts (series, point counts, last values), which
// the browser tests and the render benchmark read instead of pixels. A chart given a summary
// of its series (see metrics.ts) and a `zoom` loader fetches the zoomed range at full detail.
import uPlot from 'uplot'
import { useEffect, useRef, useState } from 'preact/hooks'

export interface Series {
  label: string
  x: ArrayLike<number>
  y: ArrayLike<number | null>
  /** The points behind a summary (x and y hold fewer). */
  total?: number
}

/** Fetches one series' points from step `from` to `to` (a zoomed chart), or null when gone. */
export type ZoomLoader = (from: number, to: number) => Promise<{ x: number[]; y: (number | null)[] } | null>

export interface ChartState {
  /** points: drawn now (without zoom); total: behind them (more when the chart shows a summary). */
  series: { label: string; points: number; total: number; last: number | null }[]
  /** The zoomed range and the points drawn there, once fetched. */
  zoom: { from: number; to: number; points: number } | null
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

/** The summary outside [from, to] and the detail inside it (one series, steps ascending). */
function spliceDetail(s: Series, detail: { x: number[]; y: (number | null)[] }, from: number, to: number): Series {
  const x: number[] = []
  const y: (number | null)[] = []
  let i = 0
  for (; i < s.x.length && s.x[i] < from; i++) {
    x.push(s.x[i])
    y.push(s.y[i])
  }
  x.push(...detail.x)
  y.push(...detail.y)
  while (i < s.x.length && s.x[i] <= to) i++
  for (; i < s.x.length; i++) {
    x.push(s.x[i])
    y.push(s.y[i])
  }
  return { label: s.label, x, y }
}

export function Chart({ id, title, series, version, height = 220, xLabel = 'step', zoom }: { id: string; title: string; series: Series[]; version: number; height?: number; xLabel?: string; zoom?: ZoomLoader }) {
  const box = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const [log, setLog] = useState(false)
  const [weight, setWeight] = useState(0)
  const labels = series.map((s) => s.label).join('\n')
  // The latest props for uPlot's hooks (created once per plot), and the zoom being fetched.
  const latest = useRef({ series, log, weight, zoom })
  latest.current = { series, log, weight, zoom }
  const zoomed = useRef<{ from: number; to: number; points: number } | null>(null)
  const zoomRequest = useRef(0)

  const state = (): ChartState => {
    const { series: all, log: isLog, weight: w } = latest.current
    return {
      series: all.map((s) => ({ label: s.label, points: s.x.length, total: s.total ?? s.x.length, last: s.y.length ? s.y[s.y.length - 1] : null })),
      zoom: zoomed.current,
      log: isLog,
      smoothing: w,
      renderedAt: performance.now(),
    }
  }

  /** After a drag-zoom: the range at full detail, when only a summary of it is drawn. */
  const onScale = (u: uPlot) => {
    const { series: all, log: isLog, weight: w, zoom: load } = latest.current
    const s = all[0]
    const from = u.scales.x.min
    const to = u.scales.x.max
    if (!load || all.length !== 1 || !s.x.length || from == null || to == null || (s.total ?? s.x.length) <= s.x.length) return
    if (from <= s.x[0] && to >= s.x[s.x.length - 1]) {
      // Zoomed out again (double-click, Reset zoom): the summary covers it.
      zoomRequest.current++
      if (zoomed.current) {
        zoomed.current = null
        u.setData(align(all, isLog, w), true)
        publish(id, state())
      }
      return
    }
    const lo = Math.ceil(from)
    const hi = Math.floor(to)
    if (zoomed.current?.from === lo && zoomed.current.to === hi) return // the detail drawn below
    const request = ++zoomRequest.current
    void load(lo, hi).then((detail) => {
      if (!detail || request !== zoomRequest.current || plot.current !== u) return
      zoomed.current = { from: lo, to: hi, points: detail.x.length }
      // New points, the same view: setData without rescaling, then the same x range again so
      // uPlot works out which points are in view and redraws (this hook then returns above).
      u.setData(align([spliceDetail(s, detail, lo, hi)], isLog, w), false)
      u.setScale('x', { min: from, max: to })
      publish(id, state())
    })
  }

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
      hooks: { setScale: [(u, key) => key === 'x' && onScale(u)] },
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
    // New data redraws the whole run (a zoom's detail goes with it, as the zoom does).
    zoomed.current = null
    zoomRequest.current++
    if (u) u.setData(align(series, log, weight), true)
    publish(id, state())
  }, [version, labels, log, weight])

  const total = series.reduce((n, s) => n + (s.total ?? s.x.length), 0)
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
        <button type="button" class="small" onClick={() => plot.current?.setData(align(series, log, weight), true)} title="Also: double-click the chart">
          Reset zoom
        </button>
      </figcaption>
      <div ref={box} class="chart-box" role="img" aria-label={`${title}: ${series.map((s) => `${s.label}, ${s.x.length} points`).join('; ')}. Drag to zoom.`} />
    </figure>
  )
}
