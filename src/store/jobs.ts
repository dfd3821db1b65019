// Job rows and their state machine (contracts.md §3). Every state change and progress
// update also lands in job_events, in the same transaction, for the SSE stream.
import { randomUUID } from 'node:crypto'
import { FencedError, ServiceError } from '../errors.ts'
import { TERMINAL_STATES } from '../schemas/jobs.ts'
import type { Db } from './db.ts'
import { appendEvent } from './events.ts'
import { addToOutbox } from './outbox.ts'
import { iso, isoOrNull, isUuid, jsonParam, timeParam } from './sql.ts'
import type { Provenance } from '../schemas/provenance.ts'
import type { Job, JobError, JobInsert, JobListQuery, JobPatch, JobState, JsonObject, Page } from './types.ts'

export interface JobRow {
  id: string
  project: string
  created_by: string | null
  deleted_at: Date | null
  deleted_by: string | null
  kind: Job['kind']
  state: JobState
  name: string | null
  spec: JsonObject
  priority: number
  gpus: number
  tags: string[]
  attempt: number
  worker: string | null
  device: string | null
  progress: JsonObject | null
  result: JsonObject | null
  error: JobError | null
  parent_id: string | null
  sweep_id: string | null
  cancel_requested: boolean
  fence: number
  heartbeat_at: Date | null
  provenance: Provenance | null
  rerun_of: string | null
  attempt_base: number
  created_at: Date
  started_at: Date | null
  finished_at: Date | null
  updated_at: Date
}

/** A row as the typed job it is: the spec in the row was validated against its kind's schema when it was written. */
export function toJob(r: JobRow): Job {
  const job: Omit<Job, 'kind' | 'spec'> & { kind: Job['kind']; spec: JsonObject } = {
    id: r.id,
    project: r.project,
    createdBy: r.created_by,
    deletedAt: isoOrNull(r.deleted_at),
    deletedBy: r.deleted_by,
    kind: r.kind,
    state: r.state,
    name: r.name,
    spec: r.spec,
    priority: r.priority,
    gpus: r.gpus,
    tags: r.tags,
    attempt: r.attempt,
    worker: r.worker,
    device: r.device,
    progress: r.progress,
    result: r.result,
    error: r.error,
    parentId: r.parent_id,
    sweepId: r.sweep_id,
    cancelRequested: r.cancel_requested,
    fence: r.fence,
    heartbeatAt: isoOrNull(r.heartbeat_at),
    provenance: r.provenance,
    rerunOf: r.rerun_of,
    attemptBase: r.attempt_base,
    createdAt: iso(r.created_at),
    startedAt: isoOrNull(r.started_at),
    finishedAt: isoOrNull(r.finished_at),
    updatedAt: iso(r.updated_at),
  }
  return job as Job
}

/** A list cursor that does not decode; the API answers 400. */
export class InvalidCursorError extends ServiceError {
  constructor() {
    super('invalid_cursor', 'invalid cursor: pass back the nextCursor of an earlier page unchanged', [{ path: '/querystring/cursor', message: 'is not a cursor this service issued' }])
    this.name = 'InvalidCursorError'
  }
}

export const DEFAULT_LIST_LIMIT = 50
export const MAX_LIST_LIMIT = 500

function encodeCursor(job: Job): string {
  return Buffer.from(JSON.stringify([job.createdAt, job.id])).toString('base64url')
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && isUuid(v[1]) && !Number.isNaN(Date.parse(v[0]))) {
      return [v[0], v[1]]
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError()
}

const TERMINAL = [...TERMINAL_STATES]

export class JobsRepo {
  constructor(private readonly db: Db) {}

  /** Inserts a job (state 'queued' unless given) and its first 'state' event. */
  create(row: JobInsert): Promise<Job> {
    const state = row.state ?? 'queued'
    return this.db.tx(async (t) => {
      const { rows } = await t.query<JobRow>(
        `insert into jobs (id, kind, state, name, spec, priority, gpus, tags, parent_id, sweep_id, project, created_by, rerun_of)
         values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8::text[], $9, $10, $11, $12, $13)
         returning *`,
        [
          row.id ?? randomUUID(),
          row.kind,
          state,
          row.name ?? null,
          jsonParam(row.spec ?? {}),
          row.priority ?? 50,
          row.gpus ?? 0,
          row.tags ?? [],
          row.parentId ?? null,
          row.sweepId ?? null,
          row.project ?? 'default',
          row.createdBy ?? null,
          row.rerunOf ?? null,
        ],
      )
      const job = toJob(rows[0])
      await appendEvent(t, job.id, 'state', { from: null, to: state, attempt: job.attempt, ...(job.createdBy ? { by: job.createdBy } : {}) })
      return job
    })
  }

  async get(id: string): Promise<Job | null> {
    if (!isUuid(id)) return null
    const { rows } = await this.db.query<JobRow>('select * from jobs where id = $1', [id])
    return rows.length ? toJob(rows[0]) : null
  }

  /** One page in (created_at, id) order; pass nextCursor back with the same filters and sort. */
  async list(q: JobListQuery = {}): Promise<Page<Job>> {
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? DEFAULT_LIST_LIMIT), 1), MAX_LIST_LIMIT)
    const desc = (q.sort ?? '-created_at') === '-created_at'
    const where: string[] = []
    const params: unknown[] = []
    const bind = (v: unknown) => {
      params.push(v)
      return `$${params.length}`
    }
    if (q.projects !== undefined) where.push(`project = any(${bind(q.projects)}::text[])`)
    if (!q.includeDeleted) where.push('deleted_at is null')
    if (q.kind !== undefined) where.push(`kind = ${bind(q.kind)}`)
    if (q.state !== undefined) where.push(`state = any(${bind(Array.isArray(q.state) ? q.state : [q.state])}::text[])`)
    if (q.tag !== undefined) where.push(`tags @> ${bind(Array.isArray(q.tag) ? q.tag : [q.tag])}::text[]`)
    if (q.createdAfter !== undefined) where.push(`created_at >= ${bind(timeParam(q.createdAfter))}::timestamptz`)
    if (q.createdBefore !== undefined) where.push(`created_at < ${bind(timeParam(q.createdBefore))}::timestamptz`)
    for (const [col, v] of [['sweep_id', q.sweepId], ['parent_id', q.parentId]] as const) {
      if (v === undefined) continue
      if (!isUuid(v)) return { items: [], nextCursor: null }
      where.push(`${col} = ${bind(v)}::uuid`)
    }
    if (q.cursor !== undefined) {
      const [createdAt, id] = decodeCursor(q.cursor)
      where.push(`(created_at, id) ${desc ? '<' : '>'} (${bind(createdAt)}::timestamptz, ${bind(id)}::uuid)`)
    }
    const dir = desc ? 'desc' : 'asc'
    const { rows } = await this.db.query<JobRow>(
      `select * from jobs ${where.length ? `where ${where.join(' and ')}` : ''}
       order by created_at ${dir}, id ${dir} limit ${bind(limit + 1)}`,
      params,
    )
    const items = rows.slice(0, limit).map(toJob)
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]) : null }
  }

  /**
   * Moves a job to `to` only if its state is in `from` (compare-and-set under a row lock)
   * and appends a 'state' event. Returns the updated job, or null when the job is missing
   * or in another state (a concurrent transition won). Moving to 'running' sets startedAt,
   * to a terminal state finishedAt (now, unless the patch says otherwise); moving to
   * 'cancelling' sets cancelRequested.
   */
  async transition(id: string, from: readonly JobState[], to: JobState, patch: JobPatch = {}, guard: { fence?: number } = {}): Promise<Job | null> {
    if (!isUuid(id) || from.length === 0) return null
    const params: unknown[] = [id, [...from], to]
    const bind = (v: unknown) => {
      params.push(v)
      return `$${params.length}`
    }
    const sets = ['state = $3', 'updated_at = now()']
    if (patch.worker !== undefined) sets.push(`worker = ${bind(patch.worker)}`)
    if (patch.device !== undefined) sets.push(`device = ${bind(patch.device)}`)
    if (patch.result !== undefined) sets.push(`result = ${bind(jsonParam(patch.result))}::jsonb`)
    if (patch.error !== undefined) sets.push(`error = ${bind(jsonParam(patch.error))}::jsonb`)
    if (patch.progress !== undefined) sets.push(`progress = ${bind(jsonParam(patch.progress))}::jsonb`)
    if (patch.startedAt !== undefined) sets.push(`started_at = ${bind(timeParam(patch.startedAt))}::timestamptz`)
    else if (to === 'running') sets.push('started_at = now()')
    if (patch.finishedAt !== undefined) sets.push(`finished_at = ${bind(timeParam(patch.finishedAt))}::timestamptz`)
    else if (TERMINAL.includes(to)) sets.push('finished_at = now()')
    const increment = patch.attemptIncrement === true ? 1 : patch.attemptIncrement || 0
    if (increment) sets.push(`attempt = jobs.attempt + ${bind(increment)}::integer`)
    if (to === 'cancelling') sets.push('cancel_requested = true')
    // A job that leaves the worker's hands has no holder whose heartbeat counts.
    if (to !== 'running' && to !== 'cancelling') sets.push('heartbeat_at = null')
    const fenceCheck = guard.fence !== undefined ? ` and fence = ${bind(guard.fence)}::integer` : ''

    return this.db.tx(async (t) => {
      // The locking read re-checks the state after a concurrent writer commits, so of two
      // racing transitions from the same state exactly one matches. NO KEY UPDATE, not
      // UPDATE: job_events and metrics reference jobs(id), and their inserts (made under the
      // event-log advisory lock) take KEY SHARE on this row; FOR UPDATE would deadlock them.
      const { rows } = await t.query<JobRow & { prev_state: JobState }>(
        `with prev as (select id, state from jobs where id = $1 and state = any($2::text[])${fenceCheck} for no key update)
         update jobs set ${sets.join(', ')} from prev where jobs.id = prev.id
         returning jobs.*, prev.state as prev_state`,
        params,
      )
      if (!rows.length) return null
      const job = toJob(rows[0])
      const data: Record<string, unknown> = { from: rows[0].prev_state, to, attempt: job.attempt }
      if (patch.error) data.error = patch.error
      if (patch.by) data.by = patch.by
      await appendEvent(t, id, 'state', data)
      return job
    })
  }

  /**
   * Stores the latest progress and appends a 'progress' event; null once the job is terminal or
   * missing. With `fence` (a worker's write) it also counts as a heartbeat and is refused
   * (FencedError) unless that attempt still holds the job.
   */
  async setProgress(id: string, progress: JsonObject, fence?: number): Promise<Job | null> {
    if (!isUuid(id)) return null
    return this.db.tx(async (t) => {
      const { rows } = await t.query<JobRow>(
        fence === undefined
          ? `update jobs set progress = $2::jsonb, updated_at = now()
             where id = $1 and state <> all($3::text[]) returning *`
          : `update jobs set progress = $2::jsonb, updated_at = now(), heartbeat_at = now()
             where id = $1 and state in ('running', 'cancelling') and fence = $3 returning *`,
        [id, jsonParam(progress), fence === undefined ? TERMINAL : fence],
      )
      if (!rows.length) {
        if (fence !== undefined) throw new FencedError(id, fence)
        return null
      }
      await appendEvent(t, id, 'progress', progress)
      return toJob(rows[0])
    })
  }

  /**
   * A worker takes the job: from `queued`, or from `running` when the holder went silent for
   * staleMs (it crashed or stalled), compare-and-set on the fence the caller read, so of two
   * workers racing exactly one wins. Bumps attempt and fence; null when another won.
   */
  async claim(
    id: string,
    seen: { state: JobState; fence: number },
    by: { worker: string; device: string; staleMs: number; provenance?: Omit<Provenance, 'attempt'> },
  ): Promise<Job | null> {
    if (seen.state !== 'queued' && seen.state !== 'running') return null
    return this.db.tx(async (t) => {
      // The provenance describes this attempt (the right side's `attempt` is the old value).
      const { rows } = await t.query<JobRow>(
        `update jobs set state = 'running', attempt = attempt + 1, fence = fence + 1, worker = $3, device = $4, dispatched = false,
           heartbeat_at = now(), started_at = coalesce(started_at, now()), error = null, updated_at = now(),
           provenance = case when $6::jsonb is null then provenance else $6::jsonb || jsonb_build_object('attempt', attempt + 1) end
         where id = $1 and fence = $2 and (state = 'queued'
           or (state = 'running' and (heartbeat_at is null or heartbeat_at < now() - make_interval(secs => $5::float8 / 1000))))
         returning *`,
        [id, seen.fence, by.worker, by.device, by.staleMs, jsonParam(by.provenance ?? null)],
      )
      if (!rows.length) return null
      const job = toJob(rows[0])
      await appendEvent(t, id, 'state', { from: seen.state, to: 'running', attempt: job.attempt })
      return job
    })
  }

  /** Whether the job's holder has been silent for staleMs (by the database's clock), or it has none. */
  async isStale(id: string, staleMs: number): Promise<boolean> {
    const { rows } = await this.db.query<{ stale: boolean }>(
      `select (heartbeat_at is null or heartbeat_at < now() - make_interval(secs => $2::float8 / 1000)) as stale from jobs where id = $1`,
      [id, staleMs],
    )
    return rows[0]?.stale ?? true
  }

  /** The holder's sign of life; false when its fence was superseded or the job left its hands. */
  async heartbeat(id: string, fence: number): Promise<boolean> {
    const { rowCount } = await this.db.query(`update jobs set heartbeat_at = now() where id = $1 and fence = $2 and state in ('running', 'cancelling')`, [id, fence])
    return rowCount > 0
  }

  /**
   * A worker that stops (SIGTERM) or lost its queue lock gives the job back: it returns to
   * `queued` (and to the outbox, so it is enqueued again) without counting the attempt, or ends
   * `cancelled` when a cancel was asked for meanwhile. FencedError when the attempt was superseded.
   */
  async handBack(id: string, fence: number, reason: string): Promise<Job> {
    return this.db.tx(async (t) => {
      const { rows } = await t.query<JobRow & { prev_state: JobState }>(
        `with prev as (select id, state, cancel_requested from jobs where id = $1 and fence = $2 and state in ('running', 'cancelling') for no key update)
         update jobs set
           state = case when prev.cancel_requested then 'cancelled' else 'queued' end,
           attempt = case when prev.cancel_requested then jobs.attempt else greatest(jobs.attempt - 1, 0) end,
           finished_at = case when prev.cancel_requested then now() else null end,
           worker = case when prev.cancel_requested then jobs.worker else null end,
           heartbeat_at = null, dispatched = false, updated_at = now()
         from prev where jobs.id = prev.id
         returning jobs.*, prev.state as prev_state`,
        [id, fence],
      )
      if (!rows.length) throw new FencedError(id, fence)
      const job = toJob(rows[0])
      if (job.state === 'queued') await addToOutbox(t, id)
      await appendEvent(t, id, 'state', { from: rows[0].prev_state, to: job.state, attempt: job.attempt, reason })
      return job
    })
  }

  /**
   * A failed or cancelled job back to `queued` as a new attempt (and to the outbox): its error
   * and end cleared, its crash-retry count restarted from here. Null when its state moved.
   */
  async resume(id: string, from: readonly JobState[], by: string): Promise<Job | null> {
    return this.db.tx(async (t) => {
      const { rows } = await t.query<JobRow & { prev_state: JobState }>(
        `with prev as (select id, state from jobs where id = $1 and state = any($2::text[]) and deleted_at is null for no key update)
         update jobs set state = 'queued', error = null, result = null, finished_at = null, cancel_requested = false, worker = null,
           attempt_base = jobs.attempt, heartbeat_at = null, dispatched = false, updated_at = now()
         from prev where jobs.id = prev.id
         returning jobs.*, prev.state as prev_state`,
        [id, [...from]],
      )
      if (!rows.length) return null
      const job = toJob(rows[0])
      await addToOutbox(t, id)
      await appendEvent(t, id, 'state', { from: rows[0].prev_state, to: 'queued', attempt: job.attempt, reason: 'resumed', by })
      return job
    })
  }

  /** Marks the job deleted (a tombstone: the row stays, lists leave it out). Null when missing or already deleted. */
  async markDeleted(id: string, by: string | null): Promise<Job | null> {
    if (!isUuid(id)) return null
    return this.db.tx(async (t) => {
      const { rows } = await t.query<JobRow>(
        `update jobs set deleted_at = now(), deleted_by = $2, updated_at = now() where id = $1 and deleted_at is null returning *`,
        [id, by],
      )
      if (!rows.length) return null
      await appendEvent(t, id, 'state', { from: rows[0].state, to: rows[0].state, deleted: true, ...(by ? { by } : {}) })
      return toJob(rows[0])
    })
  }

  /**
   * Flags the job for cancellation (the worker polls cancelRequested); the caller decides
   * the state change (queued -> cancelled, running -> cancelling). Null when the job is
   * missing or already terminal.
   */
  async requestCancel(id: string): Promise<Job | null> {
    if (!isUuid(id)) return null
    const { rows } = await this.db.query<JobRow>(
      `update jobs set cancel_requested = true, updated_at = now()
       where id = $1 and state <> all($2::text[]) returning *`,
      [id, TERMINAL],
    )
    return rows.length ? toJob(rows[0]) : null
  }
}
