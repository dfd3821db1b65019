// The denoising replay: a sample job run with `trace: true` records every sample's tokens after
// each solver step; this page shows the text emerging from masks, step by step, live while the
// job runs (the job's `trace` events) and afterwards from the stored trace
// (GET /v1/jobs/{id}/trace). Two jobs side by side (the teacher at many steps and the student at
// 8 on the same seed) share one clock: the flow time t from 0 (all masks) to 1 (text).
import { useEffect, useRef, useState } from 'preact/hooks'
import { unwrap, type Job } from '../../../src/client/index.ts'
import { useApp } from '../context.ts'
import { errorText, shortId } from '../format.ts'
import { go, href } from '../router.ts'

export interface Frame {
  step: number
  t: number
  tokens: (string | null)[][]
}

interface Trace {
  job: Job
  steps: number | null
  fixed: boolean[][] | null
  frames: Frame[]
  live: boolean
  /** Frames that came over the event stream while the job ran (0: read from the stored trace only). */
  streamed: number
  error: string | null
}

/** The last frame at or before flow time t (the first frame before any step). */
export function frameAt(frames: Frame[], t: number): Frame | null {
  let found: Frame | null = frames[0] ?? null
  for (const f of frames) if (f.t <= t + 1e-9) found = f
  return found
}

const TERMINAL = ['succeeded', 'failed', 'cancelled']

function useTrace(id: string, onFrame: () => void): Trace | null {
  const { session } = useApp()
  const [trace, setTrace] = useState<Trace | null>(null)
  useEffect(() => {
    setTrace(null)
    if (!id) return
    const abort = new AbortController()
    const api = session.client.api
    void (async () => {
      let job: Job
      try {
        job = unwrap(await api.GET('/v1/jobs/{id}', { params: { path: { id } } }))
      } catch (err) {
        return setTrace({ job: { id } as Job, steps: null, fixed: null, frames: [], live: false, streamed: 0, error: errorText(err) })
      }
      let streamed = 0
      const stored = async () => {
        const body = await session.client.trace(id)
        setTrace({ job, steps: body.steps, fixed: body.fixed, frames: body.frames, live: false, streamed, error: null })
      }
      try {
        if (TERMINAL.includes(job.state)) return await stored()
        // Running: the job's stream replays the frames so far, then each new one as it comes. A
        // frame carries one batch of samples (firstSample on): batches fill the same steps' rows.
        const byStep = new Map<number, Frame>()
        let steps: number | null = null
        setTrace({ job, steps, fixed: null, frames: [], live: true, streamed, error: null })
        for await (const e of session.client.events({ jobId: id, signal: abort.signal })) {
          if (e.type !== 'trace') continue
          const { step, t, firstSample, tokens } = e.data
          let frame = byStep.get(step)
          if (!frame) byStep.set(step, (frame = { step, t, tokens: [] }))
          tokens.forEach((row, i) => (frame.tokens[firstSample + i] = row))
          steps = e.data.steps
          streamed++
          const frames = [...byStep.values()].sort((a, b) => a.step - b.step)
          setTrace({ job, steps, fixed: null, frames, live: true, streamed, error: null })
          onFrame()
        }
        if (!abort.signal.aborted) {
          job = unwrap(await api.GET('/v1/jobs/{id}', { params: { path: { id } } }))
          await stored()
        }
      } catch (err) {
        if (!abort.signal.aborted) setTrace({ job, steps: null, fixed: null, frames: [], live: false, streamed: 0, error: errorText(err) })
      }
    })()
    return () => abort.abort()
  }, [id])
  return trace
}

function Column({ trace, t, index }: { trace: Trace; t: number; index: number }) {
  const frame = frameAt(trace.frames, t)
  const prev = frame ? trace.frames[trace.frames.indexOf(frame) - 1] : undefined
  const fixed = trace.fixed ?? trace.frames[0]?.tokens.map((row) => row.map((tok) => tok !== null)) ?? []
  const masked = frame ? frame.tokens.reduce((n, row) => n + row.filter((tok) => tok === null).length, 0) : 0
  window.__fsdfm ??= { charts: {} }
  const replay = ((window.__fsdfm.replay as Record<string, unknown> | undefined) ??= {})
  replay[trace.job.id] = { frames: trace.frames.length, step: frame?.step ?? null, t: frame?.t ?? null, masked, live: trace.live, streamed: trace.streamed }
  const job = trace.job
  const spec = (job.spec ?? {}) as { steps?: number; solver?: string; seed?: number }
  return (
    <section class="replay-col" data-replay={job.id} data-masked={masked} data-step={frame?.step ?? ''} aria-labelledby={`replay-h-${index}`}>
      <h2 id={`replay-h-${index}`}>
        <a href={href('jobs', job.id)}>
          <code>{shortId(job.id)}</code> {job.name ?? ''}
        </a>
      </h2>
      <p class="muted">
        {spec.steps ?? trace.steps ?? '?'} steps · {spec.solver ?? 'default solver'} · seed {spec.seed ?? '–'} · {trace.live ? 'live' : 'stored trace'}
      </p>
      {trace.error && <p class="error">No trace: {trace.error}</p>}
      {frame && (
        <p aria-live="polite">
          step {frame.step}/{trace.steps ?? '?'}, t = {frame.t.toFixed(3)}, {masked} masked
        </p>
      )}
      {frame?.tokens.map((row, s) => (
        <p class="replay-text" aria-label={`Sample ${s}`}>
          {row.map((tok, i) =>
            tok === null ? (
              <span class="mask" aria-label="masked">
                ▁▁
              </span>
            ) : (
              <span class={fixed[s]?.[i] ? 'fixed' : prev && prev.tokens[s]?.[i] === null ? 'new' : undefined}>{tok}</span>
            ),
          )}
        </p>
      ))}
    </section>
  )
}

function Picker({ ids }: { ids: string[] }) {
  const { session } = useApp()
  const [jobs, setJobs] = useState<Job[]>([])
  useEffect(() => {
    session.client.api.GET('/v1/jobs', { params: { query: { kind: 'sample', limit: 100 } } }).then((r) => setJobs((r.data?.items ?? []).filter((j) => (j.spec as { trace?: boolean }).trace)))
  }, [])
  const pick = (slot: number, id: string) => {
    const next = [...ids]
    next[slot] = id
    go(`#/replay?ids=${next.filter(Boolean).join(',')}`)
  }
  return (
    <div class="row">
      {[0, 1].map((slot) => (
        <label>
          {slot === 0 ? 'Sample job' : 'beside it'}{' '}
          <select value={ids[slot] ?? ''} onChange={(e) => pick(slot, e.currentTarget.value)}>
            <option value="">{slot === 0 ? 'pick a traced sample job' : 'none'}</option>
            {jobs.map((j) => (
              <option value={j.id}>
                {shortId(j.id)} {j.name ?? ''} ({(j.spec as { steps?: number }).steps ?? '?'} steps, {j.state})
              </option>
            ))}
          </select>
        </label>
      ))}
    </div>
  )
}

export function ReplayPage({ ids }: { ids: string[] }) {
  const [t, setT] = useState(1)
  const [playing, setPlaying] = useState(false)
  const following = useRef(true)
  const a = useTrace(ids[0] ?? '', () => following.current && setT(1))
  const b = useTrace(ids[1] ?? '', () => following.current && setT(1))
  const traces = [ids[0] ? a : null, ids[1] ? b : null].filter((x): x is Trace => x !== null)
  // The clock's ticks: every frame time of every job shown.
  const times = [...new Set([0, ...traces.flatMap((tr) => tr.frames.map((f) => f.t)), 1])].sort((x, y) => x - y)
  useEffect(() => {
    if (!playing) return
    const timer = setInterval(() => {
      setT((now) => {
        const next = times.find((x) => x > now + 1e-9)
        if (next === undefined) {
          setPlaying(false)
          return now
        }
        return next
      })
    }, 350)
    return () => clearInterval(timer)
  }, [playing, times.length])
  const index = Math.max(0, times.findIndex((x) => x >= t - 1e-9))
  return (
    <section aria-labelledby="replay-h">
      <h1 id="replay-h">Denoising replay</h1>
      <p class="muted">
        Submit sample jobs with <code>"trace": true</code> (the same seed, e.g. the teacher at 64 steps and the student at 8) and watch the masks (▁▁) turn into text.
      </p>
      <Picker ids={ids} />
      {traces.length > 0 && (
        <div class="row replay-controls">
          <button
            type="button"
            onClick={() => {
              following.current = false
              if (!playing && index >= times.length - 1) setT(0)
              setPlaying(!playing)
            }}
          >
            {playing ? 'Pause' : 'Play'}
          </button>
          <label>
            Flow time{' '}
            <input
              type="range"
              name="t"
              min={0}
              max={times.length - 1}
              step={1}
              value={index}
              aria-valuetext={`t = ${times[index]?.toFixed(3)}`}
              onInput={(e) => {
                following.current = false
                setPlaying(false)
                setT(times[Number(e.currentTarget.value)] ?? 1)
              }}
            />
          </label>
          <span>t = {(times[index] ?? t).toFixed(3)}</span>
        </div>
      )}
      <div class="replay">
        {traces.map((tr, i) => (
          <Column trace={tr} t={times[index] ?? t} index={i} />
        ))}
      </div>
    </section>
  )
}
