// Sweeps: the list, and one sweep's trials (a sortable table, pruned trials marked, the best
// highlighted, links to the trial jobs), the objective against each parameter, and a
// parallel-coordinates view. Refetched when a job changes state (pushed by the event stream).
import { useEffect, useMemo, useState } from 'preact/hooks'
import { unwrap, type Sweep } from '../../../src/client/index.ts'
import { useApp } from '../context.ts'
import { ago, errorText, num, shortId } from '../format.ts'
import { href } from '../router.ts'
import { can } from '../session.ts'
import { StateBadge } from '../components/state.tsx'
import { Plot, publishPlot, type PlotSeries } from '../components/plot.tsx'

type Trial = Sweep['trials'][number]
type Summary = Omit<Sweep, 'trials' | 'best' | 'spec'>

/** Calls `load` now and whenever jobs change state, at most every half second. */
function useLiveReload(load: () => void, deps: unknown[]) {
  const { live } = useApp()
  useEffect(() => {
    load()
    let timer: ReturnType<typeof setTimeout> | undefined
    const off = live.subscribe((e) => {
      if (e.type !== 'state' || timer) return
      timer = setTimeout(() => ((timer = undefined), load()), 500)
    })
    return () => (off(), clearTimeout(timer))
  }, deps)
}

export function SweepsPage() {
  const { session } = useApp()
  const [items, setItems] = useState<Summary[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useLiveReload(() => {
    session.client.api
      .GET('/v1/sweeps', { params: { query: { limit: 200 } } })
      .then((r) => setItems(unwrap(r).items))
      .catch((err) => setError(errorText(err)))
  }, [])
  return (
    <section aria-labelledby="sweeps-h">
      <h1 id="sweeps-h">Sweeps</h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {!items ? (
        <p class="loading">Loading…</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">sweep</th>
              <th scope="col">state</th>
              <th scope="col">trials</th>
              <th scope="col">objective</th>
              <th scope="col">project</th>
              <th scope="col">created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr>
                <td>
                  <a href={href('sweeps', s.id)}>
                    <code>{shortId(s.id)}</code> {s.name ?? ''}
                  </a>
                </td>
                <td>
                  <StateBadge state={s.state} />
                </td>
                <td>
                  {s.counts.succeeded + s.counts.failed + s.counts.pruned + s.counts.cancelled}/{s.total} done
                  {s.counts.pruned ? `, ${s.counts.pruned} pruned` : ''}
                </td>
                <td>
                  {s.objective.mode} {s.objective.metric}
                </td>
                <td>{s.project}</td>
                <td>{ago(s.createdAt)}</td>
              </tr>
            ))}
            {!items.length && (
              <tr>
                <td colSpan={6} class="muted">
                  No sweeps yet (POST /v1/sweeps; see examples/sweep.ts).
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </section>
  )
}

interface Axis {
  name: string
  /** Position of a value on the axis, 0 (bottom) to 1 (top); null when the trial has none. */
  pos: (v: unknown) => number | null
  ticks: { at: number; label: string }[]
}

/** One axis per parameter (log where the domain is logUniform, categories for the rest) and the objective. */
export function axesOf(trials: Trial[], params: string[], logParams: Set<string>): Axis[] {
  const axis = (name: string, values: unknown[], log: boolean): Axis => {
    const nums = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && (!log || v > 0))
    if (nums.length && nums.length === values.filter((v) => v !== null && v !== undefined).length) {
      const f = (v: number) => (log ? Math.log(v) : v)
      const lo = f(Math.min(...nums))
      const hi = f(Math.max(...nums))
      const pos = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && (!log || v > 0) ? (hi === lo ? 0.5 : (f(v) - lo) / (hi - lo)) : null)
      const at = (t: number) => (log ? Math.exp(lo + t * (hi - lo)) : lo + t * (hi - lo))
      return { name, pos, ticks: [0, 0.5, 1].map((t) => ({ at: t, label: num(at(t), 3) })) }
    }
    const cats = [...new Set(values.filter((v) => v !== null && v !== undefined).map((v) => JSON.stringify(v)))].sort()
    const pos = (v: unknown) => (v === null || v === undefined ? null : cats.length === 1 ? 0.5 : cats.indexOf(JSON.stringify(v)) / (cats.length - 1))
    return { name, pos, ticks: cats.map((c, i) => ({ at: cats.length === 1 ? 0.5 : i / (cats.length - 1), label: c })) }
  }
  return [...params.map((p) => axis(p, trials.map((t) => t.params[p]), logParams.has(p))), axis('objective', trials.map((t) => t.objective), false)]
}

function ParallelCoordinates({ sweep, params, logParams }: { sweep: Sweep; params: string[]; logParams: Set<string> }) {
  const trials = sweep.trials
  const axes = useMemo(() => axesOf(trials, params, logParams), [trials, params.join()])
  const W = Math.max(900, axes.length * 180)
  const H = 320
  const m = { l: 50, r: 50, t: 28, b: 24 }
  const ax = (i: number) => m.l + (axes.length === 1 ? 0 : (i / (axes.length - 1)) * (W - m.l - m.r))
  const ay = (p: number) => H - m.b - p * (H - m.t - m.b)
  const scored = trials.filter((t) => t.objective !== null).map((t) => t.objective!) as number[]
  const [lo, hi] = [Math.min(...scored), Math.max(...scored)]
  const goodness = (o: number | null) => (o === null || hi === lo ? 0.5 : sweep.objective.mode === 'min' ? (hi - o) / (hi - lo) : (o - lo) / (hi - lo))
  const bestIndex = sweep.best?.index ?? null
  const lines = trials.map((t) => ({ t, pts: axes.map((a, i) => [i, a.pos(i < params.length ? t.params[params[i]] : t.objective)] as const) }))
  publishPlot('sweep-parallel', { axes: axes.map((a) => a.name), lines: lines.length, best: bestIndex, pruned: trials.filter((t) => t.state === 'pruned').length })
  // The best last, on top.
  lines.sort((a, b) => Number(a.t.index === bestIndex) - Number(b.t.index === bestIndex))
  return (
    <figure class="plot parallel" data-plot="sweep-parallel">
      <figcaption>Parallel coordinates: one line per trial, colour by objective (darker is better), the best in orange, pruned dashed</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: `${W}px` }} role="img" aria-label={`Parallel coordinates of ${trials.length} trials over ${axes.map((a) => a.name).join(', ')}`}>
        {lines.map(({ t, pts }) => {
          const drawn = pts.filter(([, p]) => p !== null) as [number, number][]
          if (drawn.length < 2) return null
          const best = t.index === bestIndex
          const g = goodness(t.objective)
          return (
            <a href={t.jobId ? href('jobs', t.jobId) : undefined}>
              <polyline
                class={`pc-line${best ? ' best' : ''}${t.state === 'pruned' ? ' pruned' : ''}`}
                fill="none"
                stroke={best ? '#c2410c' : `hsl(215 70% ${75 - g * 45}%)`}
                stroke-width={best ? 3 : 1.2}
                points={drawn.map(([i, p]) => `${ax(i)},${ay(p)}`).join(' ')}
              >
                <title>
                  trial {t.index} ({t.state}): objective {num(t.objective)} · {params.map((p) => `${p}=${JSON.stringify(t.params[p])}`).join(' ')}
                </title>
              </polyline>
            </a>
          )
        })}
        {axes.map((a, i) => (
          <g class="axis">
            <line x1={ax(i)} x2={ax(i)} y1={ay(0)} y2={ay(1)} class="frame" />
            <text x={ax(i)} y={m.t - 12} text-anchor="middle" class="label">
              {a.name}
            </text>
            {a.ticks.slice(0, 12).map((tk) => (
              <text x={ax(i) + 4} y={ay(tk.at) + 4}>
                {tk.label}
              </text>
            ))}
          </g>
        ))}
      </svg>
    </figure>
  )
}

type SortKey = 'index' | 'state' | 'objective' | 'step' | `param:${string}`

export function SweepPage({ id }: { id: string }) {
  const { session } = useApp()
  const [sweep, setSweep] = useState<Sweep | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'objective', desc: false })
  useLiveReload(() => {
    session.client.api
      .GET('/v1/sweeps/{id}', { params: { path: { id } } })
      .then((r) => setSweep(unwrap(r)))
      .catch((err) => setError(errorText(err)))
  }, [id])
  if (error) return <p role="alert" class="error">{error}</p>
  if (!sweep) return <p class="loading">Loading…</p>
  const space = ((sweep.spec as { space?: Record<string, Record<string, unknown>> }).space ?? {}) as Record<string, Record<string, unknown>>
  const params = Object.keys(space).length ? Object.keys(space) : [...new Set(sweep.trials.flatMap((t) => Object.keys(t.params)))]
  const logParams = new Set(params.filter((p) => space[p]?.logUniform))
  const value = (t: Trial, key: SortKey): unknown => (key.startsWith('param:') ? t.params[key.slice(6)] : t[key as 'index' | 'state' | 'objective' | 'step'])
  const cmp = (a: unknown, b: unknown) => {
    if (a === null || a === undefined) return 1
    if (b === null || b === undefined) return -1
    return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))
  }
  const trials = [...sweep.trials].sort((a, b) => {
    const va = value(a, sort.key)
    const vb = value(b, sort.key)
    // Missing values last either way.
    if (va === null || va === undefined || vb === null || vb === undefined) return cmp(va, vb)
    return sort.desc ? cmp(vb, va) : cmp(va, vb)
  })
  const header = (key: SortKey, label: string) => (
    <th scope="col" aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" class="sort" onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : false })}>
        {label}
        {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  )
  const bestIndex = sweep.best?.index ?? null
  const scatter = (p: string): PlotSeries[] => {
    const numeric = sweep.trials.every((t) => typeof t.params[p] === 'number')
    const cats = numeric ? [] : [...new Set(sweep.trials.map((t) => JSON.stringify(t.params[p])))].sort()
    return [
      {
        label: sweep.objective.metric,
        points: sweep.trials
          .filter((t) => t.objective !== null)
          .map((t) => ({
            x: numeric ? (t.params[p] as number) : cats.indexOf(JSON.stringify(t.params[p])),
            y: t.objective!,
            href: t.jobId ? href('jobs', t.jobId) : undefined,
            highlight: t.index === bestIndex,
            muted: t.state === 'pruned',
            label: `trial ${t.index} (${t.state}): ${p}=${JSON.stringify(t.params[p])}, ${sweep.objective.metric}=${num(t.objective)}`,
          })),
      },
    ]
  }
  return (
    <article aria-labelledby="sweep-h">
      <div class="heading">
        <h1 id="sweep-h">
          Sweep <code>{shortId(sweep.id)}</code> {sweep.name ?? ''}
        </h1>
        <StateBadge state={sweep.state} />
        {sweep.state === 'running' && can(session.me, sweep.project, 'member') && (
          <button type="button" onClick={() => void session.client.api.POST('/v1/sweeps/{id}/cancel', { params: { path: { id } } }).catch((err) => setError(errorText(err)))}>
            Cancel sweep
          </button>
        )}
      </div>
      <p>
        {sweep.kind} trials, {sweep.method} search, {sweep.objective.mode}imise <code>{sweep.objective.metric}</code>
        {sweep.objective.at !== undefined ? ` at ${sweep.objective.at}` : ''} ·{' '}
        {Object.entries(sweep.counts)
          .filter(([, n]) => n > 0)
          .map(([s, n]) => `${n} ${s}`)
          .join(', ')}{' '}
        of {sweep.total}
      </p>
      {sweep.best && (
        <p class="best-line">
          Best: trial {sweep.best.index}, {sweep.objective.metric} = <strong>{num(sweep.best.objective)}</strong> with{' '}
          {Object.entries(sweep.best.params)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(', ')}
          {sweep.best.jobId && (
            <>
              {' '}
              (<a href={href('jobs', sweep.best.jobId)}>job {shortId(sweep.best.jobId)}</a>)
            </>
          )}
        </p>
      )}
      <ParallelCoordinates sweep={sweep} params={params} logParams={logParams} />
      <div class="plots">
        {params.map((p) => {
          const numeric = sweep.trials.every((t) => typeof t.params[p] === 'number')
          return (
            <Plot
              id={`sweep-objective:${p}`}
              title={`${sweep.objective.metric} against ${p}`}
              xLabel={p}
              yLabel={sweep.objective.metric}
              xLog={logParams.has(p)}
              xCategories={numeric ? undefined : [...new Set(sweep.trials.map((t) => JSON.stringify(t.params[p])))].sort()}
              series={scatter(p)}
              width={360}
              height={220}
            />
          )
        })}
      </div>
      <table class="trials">
        <caption>Trials (click a header to sort)</caption>
        <thead>
          <tr>
            {header('index', 'trial')}
            {header('state', 'state')}
            {header('objective', sweep.objective.metric)}
            {params.map((p) => header(`param:${p}`, p))}
            {header('step', 'step')}
            <th scope="col">job</th>
            <th scope="col">note</th>
          </tr>
        </thead>
        <tbody>
          {trials.map((t) => (
            <tr class={`${t.index === bestIndex ? 'best' : ''} ${t.state === 'pruned' ? 'pruned' : ''}`} data-trial={t.index} data-state={t.state}>
              <th scope="row">
                {t.index}
                {t.index === bestIndex ? ' ★ best' : ''}
              </th>
              <td>
                <StateBadge state={t.state} />
              </td>
              <td>{num(t.objective)}</td>
              {params.map((p) => (
                <td>{typeof t.params[p] === 'number' ? num(t.params[p]) : JSON.stringify(t.params[p])}</td>
              ))}
              <td>{t.step ?? '–'}</td>
              <td>{t.jobId ? <a href={href('jobs', t.jobId)}>{shortId(t.jobId)}</a> : '–'}</td>
              <td class="muted">{t.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <a href={`v1/sweeps/${sweep.id}/trials.csv`} onClick={(e) => session.authOn && (e.preventDefault(), void downloadCsv(session.client, sweep.id))}>
          trials.csv
        </a>
      </p>
    </article>
  )
}

async function downloadCsv(client: { raw: (p: string) => Promise<Response> }, id: string) {
  const res = await client.raw(`/v1/sweeps/${id}/trials.csv`)
  const url = URL.createObjectURL(await res.blob())
  Object.assign(document.createElement('a'), { href: url, download: `sweep-${id}.csv` }).click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

