// One job: state, progress and ETA, spec and provenance, live metric curves, the log following
// live, artifacts to download, cancel and delete for those allowed; samples or the evaluation
// report when it has them. Everything after the first fetch comes over the job's event stream.
import { useEffect, useRef, useState } from 'preact/hooks'
import { unwrap, type Artifact, type EvaluateReport, type Job } from '../../../src/client/index.ts'
import { useApp } from '../context.ts'
import { ago, bytes, duration, errorText, shortId } from '../format.ts'
import { go, href } from '../router.ts'
import { can } from '../session.ts'
import { Chart, type ZoomLoader } from '../components/chart.tsx'
import { addPoint, loadMetrics, screenPoints, type MetricMap } from '../components/metrics.ts'
import { ProgressBar, StateBadge } from '../components/state.tsx'
import { Samples } from '../components/samples.tsx'
import { Report } from '../components/report.tsx'

const TERMINAL = ['succeeded', 'failed', 'cancelled']
const LOG_LINES = 1000

/** Re-renders at most once a frame however many events arrive. */
function useFrameTick(): [number, () => void] {
  const [tick, setTick] = useState(0)
  const pending = useRef(false)
  return [
    tick,
    () => {
      if (pending.current) return
      pending.current = true
      requestAnimationFrame(() => {
        pending.current = false
        setTick((n) => n + 1)
      })
    },
  ]
}

export function Curves({ metrics, tick, prefix = '', zoom }: { metrics: MetricMap; tick: number; prefix?: string; zoom?: (name: string) => ZoomLoader }) {
  const names = [...metrics.keys()].sort()
  if (!names.length) return <p class="muted">No metrics logged.</p>
  return (
    <div class="charts">
      {names.map((name) => (
        <Chart key={name} id={`${prefix}${name}`} title={name} series={[{ label: name, ...metrics.get(name)! }]} version={tick} zoom={zoom?.(name)} />
      ))}
    </div>
  )
}

function Provenance({ job }: { job: Job }) {
  const p = job.provenance
  if (!p) return <p class="muted">Nothing has run this job yet.</p>
  const rows: [string, string][] = [
    ['code', `${p.code.version}${p.code.commit ? ` @ ${p.code.commit.slice(0, 12)}` : ''}${p.code.dirty ? ' (modified)' : ''}`],
    ['node', p.node],
    ['python', p.python ?? '–'],
    ['torch', p.torch ?? '–'],
    ['cuda', p.cuda ?? '–'],
    ['device', p.device],
    ['host', p.host],
    ['worker', p.worker],
    ['seed', p.seed === null ? '–' : String(p.seed)],
    ['attempt', `${p.attempt}, started ${ago(p.at)}`],
  ]
  return (
    <dl class="kv">
      {rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  )
}

function Artifacts({ job }: { job: Job }) {
  const { session } = useApp()
  const [items, setItems] = useState<Artifact[] | null>(null)
  useEffect(() => {
    session.client.api.GET('/v1/jobs/{id}/artifacts', { params: { path: { id: job.id } } }).then((r) => setItems(r.data?.items ?? []))
  }, [job.id, job.state])
  // With a token the download goes through fetch (a plain link cannot send the header).
  const download = async (name: string) => {
    const res = await session.client.raw(`/v1/jobs/${job.id}/artifacts/${encodeURIComponent(name)}`)
    const url = URL.createObjectURL(await res.blob())
    const a = Object.assign(document.createElement('a'), { href: url, download: name })
    a.click()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }
  if (!items?.length) return <p class="muted">No artifacts.</p>
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">name</th>
          <th scope="col">size</th>
          <th scope="col">sha256</th>
          <th scope="col">
            <span class="sr-only">download</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((a) => (
          <tr>
            <td>{a.name}</td>
            <td>{bytes(a.size)}</td>
            <td>
              <code title={a.sha256}>{a.sha256.slice(0, 16)}…</code>
            </td>
            <td>
              <button type="button" class="small" onClick={() => void download(a.name)}>
                Download <span class="sr-only">{a.name}</span>
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function LogTail({ lines, tick }: { lines: string[]; tick: number }) {
  const box = useRef<HTMLPreElement>(null)
  const follow = useRef(true)
  useEffect(() => {
    const el = box.current
    if (el && follow.current) el.scrollTop = el.scrollHeight
  }, [tick, lines.length])
  return (
    <pre
      ref={box}
      class="log"
      tabIndex={0}
      aria-label="Log, following live"
      aria-live="off"
      onScroll={(e) => {
        const el = e.currentTarget
        follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8
      }}
    >
      {lines.length ? lines.join('\n') : 'No log lines yet.'}
    </pre>
  )
}

/**
 * A job's page. Its curves are summaries sized to the screen (metrics.ts), detailed when zoomed;
 * `allPoints` (#/jobs/ID?points=all) loads every point instead, as the page did before summaries
 * (the render benchmark times both).
 */
export function JobPage({ id, allPoints = false }: { id: string; allPoints?: boolean }) {
  const { session } = useApp()
  const [job, setJob] = useState<Job | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [actionError, setActionError] = useState<string | null>(null)
  const metrics = useRef<MetricMap>(new Map())
  const logs = useRef<string[]>([])
  const [tick, bump] = useFrameTick()

  useEffect(() => {
    const abort = new AbortController()
    const refetch = () =>
      session.client.api.GET('/v1/jobs/{id}', { params: { path: { id } } }).then((r) => {
        if (!abort.signal.aborted) setJob(unwrap(r))
      })
    void (async () => {
      try {
        const [, loaded] = await Promise.all([refetch(), loadMetrics(session.client, id, allPoints ? {} : { maxPoints: screenPoints() })])
        metrics.current = loaded
        bump()
        // The whole history first (state, progress, log, metric), then live events until the job ends.
        for await (const e of session.client.events({ jobId: id, signal: abort.signal })) {
          if (e.type === 'metric') for (const p of e.data.points) addPoint(metrics.current, p.name, p.step, p.value)
          else if (e.type === 'log') {
            logs.current.push(e.data.line)
            if (logs.current.length > LOG_LINES * 1.5) logs.current = logs.current.slice(-LOG_LINES)
          } else if (e.type === 'progress') {
            const { jobId: _j, at: _at, ...progress } = e.data
            setJob((j) => j && { ...j, progress: { ...j.progress, ...progress } })
          } else if (e.type === 'state') await refetch()
          bump()
        }
        await refetch()
      } catch (err) {
        if (!abort.signal.aborted) setError(errorText(err))
      }
    })()
    return () => abort.abort()
  }, [id])

  if (error) return <p role="alert" class="error">{error}</p>
  if (!job) return <p class="loading">Loading…</p>
  const zoomLoader =
    (name: string): ZoomLoader =>
    (from, to) =>
      loadMetrics(session.client, id, { names: [name], from, to, maxPoints: screenPoints() }).then((m) => m.get(name) ?? null)
  const member = can(session.me, job.project, 'member')
  const act = async (what: 'cancel' | 'delete') => {
    setActionError(null)
    if (what === 'delete' && !confirm(`Delete job ${shortId(job.id)} and its outputs?`)) return
    try {
      if (what === 'cancel') unwrap(await session.client.api.POST('/v1/jobs/{id}/cancel', { params: { path: { id } } }))
      else unwrap(await session.client.api.DELETE('/v1/jobs/{id}', { params: { path: { id } } }))
      setJob(unwrap(await session.client.api.GET('/v1/jobs/{id}', { params: { path: { id } } })))
    } catch (err) {
      setActionError(errorText(err))
    }
  }
  const report = job.kind === 'evaluate' ? (job.result as { report?: EvaluateReport } | null)?.report : undefined
  const ran = job.startedAt ? ((job.finishedAt ? Date.parse(job.finishedAt) : Date.now()) - Date.parse(job.startedAt)) / 1000 : null
  return (
    <article class="job" data-job={job.id} data-state={job.state} aria-labelledby="job-h">
      <div class="heading">
        <h1 id="job-h">
          {job.kind} <code>{shortId(job.id)}</code> {job.name ?? ''}
        </h1>
        <StateBadge state={job.state} />
        {member && !TERMINAL.includes(job.state) && !job.deletedAt && (
          <button type="button" onClick={() => void act('cancel')} disabled={job.state === 'cancelling'}>
            Cancel
          </button>
        )}
        {member && !job.deletedAt && (
          <button type="button" class="danger" onClick={() => void act('delete')}>
            Delete
          </button>
        )}
        <button type="button" onClick={() => go(`#/compare?ids=${job.id}`)}>
          Compare…
        </button>
        {job.kind === 'sample' && (
          <button type="button" onClick={() => go(`#/replay?ids=${job.id}`)}>
            Denoising replay
          </button>
        )}
      </div>
      {actionError && (
        <p role="alert" class="error">
          {actionError}
        </p>
      )}
      <div class="summary">
        <ProgressBar job={job} />
        <span>
          project <strong>{job.project}</strong>
        </span>
        <span>by {job.createdBy ?? '–'}</span>
        <span title={job.createdAt}>created {ago(job.createdAt)}</span>
        <span>ran {duration(ran)}</span>
        <span>attempt {job.attempt}</span>
        {job.worker && <span>on {job.worker}</span>}
        {job.tags.length > 0 && <span>tags {job.tags.join(', ')}</span>}
        {job.parentId && <a href={href('jobs', job.parentId)}>parent {shortId(job.parentId)}</a>}
        {job.rerunOf && <a href={href('jobs', job.rerunOf)}>rerun of {shortId(job.rerunOf)}</a>}
        {job.sweepId && <a href={href('sweeps', job.sweepId)}>sweep {shortId(job.sweepId)}</a>}
        {job.deletedAt && <span class="error">deleted {ago(job.deletedAt)} by {job.deletedBy}</span>}
      </div>
      {job.unschedulable && <p class="error">Unschedulable: {job.unschedulable}</p>}
      {job.error && (
        <details class="error-box" open>
          <summary>
            {job.error.code ?? job.error.type ?? 'error'}: {job.error.message}
          </summary>
          {job.error.traceback && <pre>{job.error.traceback}</pre>}
        </details>
      )}
      <section aria-labelledby="curves-h">
        <h2 id="curves-h">Metrics</h2>
        <Curves metrics={metrics.current} tick={tick} zoom={allPoints ? undefined : zoomLoader} />
      </section>
      {job.kind === 'sample' && <Samples job={job} />}
      {report && <Report report={report} />}
      <div class="columns">
        <section aria-labelledby="spec-h">
          <h2 id="spec-h">Spec</h2>
          <pre class="spec">{JSON.stringify(job.spec, null, 2)}</pre>
        </section>
        <section aria-labelledby="prov-h">
          <h2 id="prov-h">Provenance</h2>
          <Provenance job={job} />
          <h2>Artifacts</h2>
          <Artifacts job={job} />
        </section>
      </div>
      <section aria-labelledby="log-h">
        <h2 id="log-h">Log</h2>
        <LogTail lines={logs.current} tick={tick} />
      </section>
    </article>
  )
}
