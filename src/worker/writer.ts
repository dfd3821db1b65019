// Everything a worker writes for one attempt of a job goes through its writer: metrics, log
// lines, progress and, last, the outcome. Writes are fenced (the store refuses them once a newer
// attempt holds the job) and kept in order. When the store does not answer, the writer holds them
// and retries with backoff while the run goes on, so a PostgreSQL outage delays what the api
// shows but loses nothing: memory stays bounded because Python keeps every metric point in
// metrics.jsonl and every log line in log.txt, which the writer falls back to when its buffers
// overflow.
import { existsSync, readFileSync } from 'node:fs'
import { FencedError } from '../errors.ts'
import { failDependents } from '../jobs/dependents.ts'
import { addToOutbox } from '../store/outbox.ts'
import { isStoreUnavailable } from '../store/db.ts'
import { hashArtifact, type ArtifactInput } from '../store/artifacts.ts'
import { ArtifactsRepo } from '../store/artifacts.ts'
import { JobsRepo } from '../store/jobs.ts'
import type { Store } from '../store/index.ts'
import type { Job, JobError, JobState, JsonObject, MetricPoint } from '../store/types.ts'
import type { TraceEventData } from '../schemas/trace.ts'
import type { Logger } from '../util/log.ts'

const MAX_PENDING_POINTS = 20_000
const MAX_PENDING_LINES = 2_000

/** How an attempt ends, as far as the store is concerned. */
export type Outcome =
  | { kind: 'final'; state: Extract<JobState, 'succeeded' | 'failed' | 'cancelled'>; result?: JsonObject; error?: JobError; artifacts?: ArtifactInput[] }
  | { kind: 'handback'; reason: string }
  /** A newer attempt holds the job: write nothing more. */
  | { kind: 'abandon' }

export interface WriterOptions {
  store: Store
  jobId: string
  fence: number
  /** Python's metrics.jsonl for this job (recovery after overflow or a crashed attempt). */
  metricsFile?: string
  /** Rewrites text users will read (log lines, error messages) so it names no server path. */
  redact?: (text: string) => string
  /** The job's logger (its lines carry jobId and attempt). */
  log: Logger
}

export class JobWriter {
  private points: MetricPoint[] = []
  private lines: string[] = []
  // Not bounded here: the door caps a trace (TRACE_MAX_CELLS), and every frame is an event.
  private frames: TraceEventData[] = []
  private droppedLines = 0
  private progress: JsonObject | null = null
  private recoverFromFile = false
  private fencedOut = false
  private flushing: Promise<void> | null = null
  private outage = false

  constructor(private readonly opts: WriterOptions) {}

  /** True once the store refused a write: a newer attempt holds the job. */
  get fenced(): boolean {
    return this.fencedOut
  }

  metrics(points: MetricPoint[]): void {
    if (this.fencedOut || points.length === 0) return
    if (this.points.length + points.length > MAX_PENDING_POINTS && this.opts.metricsFile) {
      // Python has them all on disk: read them back once the store answers.
      this.points = []
      this.recoverFromFile = true
      return
    }
    this.points.push(...points)
  }

  logs(lines: string[]): void {
    if (this.fencedOut || lines.length === 0) return
    const redact = this.opts.redact
    this.lines.push(...(redact ? lines.map(redact) : lines))
    if (this.lines.length > MAX_PENDING_LINES) {
      this.droppedLines += this.lines.length - MAX_PENDING_LINES
      this.lines = this.lines.slice(-MAX_PENDING_LINES)
    }
  }

  /** Frames of a traced sample job, relayed as `trace` events. */
  trace(frames: TraceEventData[]): void {
    if (!this.fencedOut && frames.length > 0) this.frames.push(...frames)
  }

  setProgress(p: JsonObject): void {
    if (!this.fencedOut) this.progress = p
  }

  /** Metrics a crashed (or overflowing) attempt left in metrics.jsonl, written again (keyed by step, so no doubles). */
  recover(): void {
    if (this.opts.metricsFile && existsSync(this.opts.metricsFile)) this.recoverFromFile = true
  }

  /** Starts writing what is pending unless a pass is under way; never throws. */
  flushSoon(): void {
    this.flushing ??= this.flushAll().finally(() => (this.flushing = null))
  }

  /** Writes everything pending, retrying through outages. Resolves when done or fenced. */
  async flushAll(): Promise<void> {
    await this.retrying('write progress', async () => {
      const { store, jobId, fence } = this.opts
      if (this.recoverFromFile) {
        const all = readMetricsFile(this.opts.metricsFile!)
        for (let i = 0; i < all.length; i += 1000) await store.metrics.record(jobId, all.slice(i, i + 1000), fence)
        this.recoverFromFile = false
      }
      while (this.points.length) {
        const batch = this.points.slice(0, 1000)
        await store.metrics.record(jobId, batch, fence)
        this.points.splice(0, batch.length)
      }
      if (this.droppedLines) {
        const note = `(${this.droppedLines} log lines were not relayed while the store was unavailable; log.txt has them all)`
        await store.events.append(jobId, 'log', { line: note }, fence)
        this.droppedLines = 0
      }
      while (this.lines.length) {
        const batch = this.lines.slice(0, 200)
        await store.events.appendMany(jobId, 'log', batch.map((line) => ({ line })), fence)
        this.lines.splice(0, batch.length)
      }
      while (this.frames.length) {
        const batch = this.frames.slice(0, 20)
        await store.events.appendMany(jobId, 'trace', batch, fence)
        this.frames.splice(0, batch.length)
      }
      if (this.progress) {
        const p = this.progress
        await store.jobs.setProgress(jobId, p, fence)
        if (this.progress === p) this.progress = null
      }
    })
  }

  /**
   * Writes what is pending, then the outcome: the final state with its result and artifacts (one
   * transaction; a success makes the next pipeline stage runnable, a failure fails the stages
   * after it), or a hand-back. Retries through outages; resolves 'fenced' when a newer attempt
   * holds the job.
   */
  async close(outcome: Outcome): Promise<'written' | 'fenced'> {
    if (outcome.kind === 'abandon') {
      this.fencedOut = true
      return 'fenced'
    }
    await this.flushing
    await this.flushAll()
    if (this.fencedOut) return 'fenced'
    const { store, jobId, fence } = this.opts
    let ended: Job | null = null
    if (outcome.kind === 'handback') {
      await this.retrying('hand back', async () => {
        ended = await store.jobs.handBack(jobId, fence, outcome.reason)
      })
    } else {
      const artifacts = await Promise.all((outcome.artifacts ?? []).map(hashArtifact))
      const redact = this.opts.redact
      const error = outcome.error && redact ? { ...outcome.error, message: redact(outcome.error.message), ...(typeof outcome.error.traceback === 'string' ? { traceback: redact(outcome.error.traceback) } : {}) } : outcome.error
      await this.retrying(`record ${outcome.state}`, async () => {
        ended = await store.db.tx(async (t) => {
          const jobs = new JobsRepo(t)
          const done = await jobs.transition(jobId, ['running', 'cancelling'], outcome.state, { result: outcome.result, error }, { fence })
          if (!done) throw new FencedError(jobId, fence)
          const repo = new ArtifactsRepo(t)
          for (const a of artifacts) await repo.put(jobId, a)
          // The next pipeline stage may run now: the store says so in the same transaction.
          if (done.state === 'succeeded') {
            const { rows } = await t.query<{ id: string }>(`select id from jobs where parent_id = $1 and state = 'queued'`, [jobId])
            for (const r of rows) await addToOutbox(t, r.id)
          }
          return done
        })
      })
      const finished = ended as Job | null
      if (finished && finished.state !== 'succeeded') await this.retrying('fail dependent stages', () => failDependents(store.jobs, finished).then(() => {}))
    }
    return this.fencedOut ? 'fenced' : 'written'
  }

  /** Runs fn until it succeeds; waits out store outages (backoff up to 5 s), gives up on a fence. */
  private async retrying(what: string, fn: () => Promise<void>): Promise<void> {
    let delay = 250
    let failures = 0
    while (!this.fencedOut) {
      try {
        await fn()
        if (this.outage) this.opts.log.info(`the store answers again; ${what} done`)
        this.outage = false
        return
      } catch (err) {
        if (err instanceof FencedError) {
          this.fencedOut = true
          this.points = []
          this.lines = []
          this.frames = []
          this.progress = null
          this.opts.log.warn({ fence: this.opts.fence }, `attempt superseded (fence ${this.opts.fence}); its writes are refused`)
          return
        }
        if (!isStoreUnavailable(err)) {
          // A bug or bad data, not an outage: retrying will not help forever.
          if (++failures >= 5) {
            this.opts.log.error({ err }, `giving up on ${what}: ${(err as Error).message}`)
            throw err
          }
        } else if (!this.outage) {
          this.outage = true
          this.opts.log.warn(`the store is unavailable (${(err as Error).message}); holding writes and retrying`)
        }
        await new Promise((r) => setTimeout(r, delay))
        delay = Math.min(delay * 2, 5000)
      }
    }
  }
}

/** Every point in a metrics.jsonl file (a line cut short by a crash is skipped). */
export function readMetricsFile(file: string): MetricPoint[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        const p = JSON.parse(l) as MetricPoint
        return typeof p.name === 'string' && Number.isSafeInteger(p.step) && typeof p.value === 'number' ? [{ name: p.name, step: p.step, value: p.value }] : []
      } catch {
        return []
      }
    })
}
