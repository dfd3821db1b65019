// Small SVG charts for a few hundred points: the evaluation report (error bars, a reference
// line) and sweeps (objective against a parameter). Points can carry a link and a tooltip. What
// the chart shows is published on window.__fsdfm.plots for the browser tests.
export interface PlotPoint {
  x: number
  y: number
  err?: number | null
  label?: string
  href?: string
  highlight?: boolean
  muted?: boolean
}

export interface PlotSeries {
  label: string
  points: PlotPoint[]
  line?: boolean
}

export interface PlotProps {
  id: string
  title: string
  xLabel: string
  yLabel: string
  series: PlotSeries[]
  xLog?: boolean
  yLog?: boolean
  /** Horizontal reference lines (e.g. the validation text's entropy). */
  refs?: { y: number; label: string }[]
  /** Categorical x axis: these labels at x = 0, 1, 2, … */
  xCategories?: string[]
  width?: number
  height?: number
}

export const PALETTE = ['#1f5fbf', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490', '#a16207', '#be185d']

function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = []
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) for (const m of [1, 2, 5]) out.push(m * 10 ** e)
    const inside = out.filter((v) => v >= lo * 0.999 && v <= hi * 1.001)
    return inside.length >= 2 ? inside : [lo, hi]
  }
  const span = hi - lo || Math.abs(hi) || 1
  const step = 10 ** Math.floor(Math.log10(span / 4))
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= 6) ?? step * 10
  const out: number[] = []
  for (let v = Math.ceil(lo / nice) * nice; v <= hi + nice * 1e-9; v += nice) out.push(Number(v.toPrecision(12)))
  return out
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(3))))

export function publishPlot(id: string, data: unknown): void {
  window.__fsdfm ??= { charts: {} }
  const plots = ((window.__fsdfm.plots as Record<string, unknown> | undefined) ??= {})
  plots[id] = data
}

export function Plot(p: PlotProps) {
  const W = p.width ?? 460
  const H = p.height ?? 260
  const m = { l: 56, r: 24, t: 10, b: 40 }
  const all = p.series.flatMap((s) => s.points)
  const ys = all.flatMap((pt) => (pt.err ? [pt.y - pt.err, pt.y + pt.err] : [pt.y])).concat((p.refs ?? []).map((r) => r.y))
  const xs = all.map((pt) => pt.x)
  const finite = (v: number, log?: boolean) => Number.isFinite(v) && (!log || v > 0)
  const yv = ys.filter((v) => finite(v, p.yLog))
  const xv = xs.filter((v) => finite(v, p.xLog))
  publishPlot(p.id, { series: p.series.map((s) => ({ label: s.label, points: s.points.map(({ x, y, err }) => ({ x, y, err: err ?? null })) })), refs: p.refs ?? [] })
  if (!yv.length || !xv.length)
    return (
      <figure class="plot" data-plot={p.id}>
        <figcaption>{p.title}</figcaption>
        <p class="muted">No data to plot.</p>
      </figure>
    )
  let [x0, x1] = p.xCategories ? [-0.5, p.xCategories.length - 0.5] : [Math.min(...xv), Math.max(...xv)]
  let [y0, y1] = [Math.min(...yv), Math.max(...yv)]
  if (x0 === x1) [x0, x1] = p.xLog ? [x0 / 2, x1 * 2] : [x0 - 1, x1 + 1]
  if (y0 === y1) [y0, y1] = p.yLog ? [y0 / 2, y1 * 2] : [y0 - (Math.abs(y0) * 0.1 || 1), y1 + (Math.abs(y1) * 0.1 || 1)]
  if (!p.yLog) {
    const pad = (y1 - y0) * 0.06
    y0 -= pad
    y1 += pad
  }
  const tx = (v: number) => m.l + ((p.xLog ? Math.log(v / x0) / Math.log(x1 / x0) : (v - x0) / (x1 - x0)) * (W - m.l - m.r))
  const ty = (v: number) => H - m.b - ((p.yLog ? Math.log(v / y0) / Math.log(y1 / y0) : (v - y0) / (y1 - y0)) * (H - m.t - m.b))
  const ok = (pt: PlotPoint) => finite(pt.x, p.xLog) && finite(pt.y, p.yLog)
  const xt = p.xCategories ? p.xCategories.map((_, i) => i) : ticks(x0, x1, !!p.xLog)
  return (
    <figure class="plot" data-plot={p.id}>
      <figcaption>{p.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: `${W * 1.4}px` }} role="img" aria-label={`${p.title}: ${p.yLabel} against ${p.xLabel}`}>
        <g class="axis">
          {ticks(y0, y1, !!p.yLog).map((v) => (
            <g>
              <line x1={m.l} x2={W - m.r} y1={ty(v)} y2={ty(v)} class="grid" />
              <text x={m.l - 6} y={ty(v) + 4} text-anchor="end">
                {fmt(v)}
              </text>
            </g>
          ))}
          {xt.map((v) => (
            <text x={tx(v)} y={H - m.b + 16} text-anchor="middle">
              {p.xCategories ? p.xCategories[v] : fmt(v)}
            </text>
          ))}
          <line x1={m.l} x2={W - m.r} y1={H - m.b} y2={H - m.b} class="frame" />
          <line x1={m.l} x2={m.l} y1={m.t} y2={H - m.b} class="frame" />
          <text x={(m.l + W - m.r) / 2} y={H - 6} text-anchor="middle" class="label">
            {p.xLabel}
          </text>
          <text transform={`translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)`} text-anchor="middle" class="label">
            {p.yLabel}
          </text>
        </g>
        {(p.refs ?? []).map((r) => (
          <g class="ref">
            <line x1={m.l} x2={W - m.r} y1={ty(r.y)} y2={ty(r.y)} />
            <text x={W - m.r - 4} y={ty(r.y) - 4} text-anchor="end">
              {r.label}
            </text>
          </g>
        ))}
        {p.series.map((s, i) => {
          const color = PALETTE[i % PALETTE.length]
          const pts = s.points.filter(ok)
          return (
            <g class="series" stroke={color} fill={color}>
              {s.line && pts.length > 1 && <polyline fill="none" stroke-width="1.5" points={pts.map((pt) => `${tx(pt.x)},${ty(pt.y)}`).join(' ')} />}
              {pts.map((pt) => {
                const dot = (
                  <g class={pt.highlight ? 'best' : pt.muted ? 'muted' : undefined}>
                    {pt.err ? <line x1={tx(pt.x)} x2={tx(pt.x)} y1={ty(p.yLog ? Math.max(pt.y - pt.err, y0) : pt.y - pt.err)} y2={ty(pt.y + pt.err)} stroke-width="1.5" /> : null}
                    <circle cx={tx(pt.x)} cy={ty(pt.y)} r={pt.highlight ? 6 : 3.5}>
                      <title>{pt.label ?? `${s.label}: ${fmt(pt.x)}, ${fmt(pt.y)}${pt.err ? ` ± ${fmt(pt.err)}` : ''}`}</title>
                    </circle>
                  </g>
                )
                return pt.href ? <a href={pt.href}>{dot}</a> : dot
              })}
            </g>
          )
        })}
      </svg>
      {p.series.length > 1 && (
        <ul class="legend">
          {p.series.map((s, i) => (
            <li>
              <span class="swatch" style={{ background: PALETTE[i % PALETTE.length] }} />
              {s.label}
            </li>
          ))}
        </ul>
      )}
    </figure>
  )
}
