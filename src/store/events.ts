// The ordered per-job event log that the SSE stream replays (Last-Event-ID = event id).
import type { Db } from './db.ts'
import { fenced } from './fence.ts'
import { iso, isUuid, jsonParam } from './sql.ts'
import { JOB_EVENT_TYPES, type JobEvent, type JobEventType } from './types.ts'
import { webhookEventOf } from '../schemas/webhooks.ts'
import { addDeliveries } from './webhooks.ts'

interface EventRow {
  id: number
  job_id: string
  project: string | null
  type: JobEventType
  data: unknown
  created_at: Date
}

const toEvent = (r: EventRow): JobEvent => ({ id: r.id, jobId: r.job_id, project: r.project ?? 'default', type: r.type, data: r.data, createdAt: iso(r.created_at) })

/**
 * Appends one event inside db's transaction (or a new one). A bigserial id is drawn when a
 * row is inserted, not when it commits, so two concurrent writers could commit ids out of
 * order and a reader at `id > last` would skip the late one. The advisory lock, held to
 * commit, makes ids increase in commit order. Append events last in a transaction so the
 * lock is held briefly.
 */
export async function appendEvent(db: Db, jobId: string, type: JobEventType, data: unknown): Promise<JobEvent> {
  if (!JOB_EVENT_TYPES.includes(type)) throw new TypeError(`unknown event type: ${String(type)}`)
  return db.tx(async (t) => {
    await t.query(`select pg_advisory_xact_lock(hashtext('fsdfm.job_events.' || current_schema()))`)
    const { rows } = await t.query<EventRow>(
      // The job's project rides along, so streams can be filtered by who may see them.
      'insert into job_events (job_id, project, type, data) values ($1, (select project from jobs where id = $1), $2, $3::jsonb) returning *',
      [jobId, type, jsonParam(data)],
    )
    const event = toEvent(rows[0])
    // A state change owes each subscribed webhook a delivery: written here, in the event's
    // transaction, so no committed event goes undelivered.
    const hook = type === 'state' && data && typeof data === 'object' ? webhookEventOf(data as { to?: unknown; deleted?: unknown }) : null
    if (hook) await addDeliveries(t, hook, { ...event, data: data as Record<string, unknown> })
    return event
  })
}

export interface EventsSinceOptions {
  jobId?: string
  /** Only events of jobs in these projects (all when absent). */
  projects?: string[]
  /** Default 100, at most 1,000. */
  limit?: number
}

export class EventsRepo {
  constructor(private readonly db: Db) {}

  /** With `fence`, a worker's write: refused (FencedError) unless that attempt still holds the job. */
  append(jobId: string, type: JobEventType, data: unknown, fence?: number): Promise<JobEvent> {
    return fence === undefined ? appendEvent(this.db, jobId, type, data) : fenced(this.db, jobId, fence, (t) => appendEvent(t, jobId, type, data))
  }

  /** Several events of one job in one transaction (a worker relaying log lines). */
  appendMany(jobId: string, type: JobEventType, items: unknown[], fence?: number): Promise<void> {
    return fenced(this.db, jobId, fence, async (t) => {
      for (const data of items) await appendEvent(t, jobId, type, data)
    })
  }

  /** Events with id > lastId (all when lastId is null or 0), oldest first. */
  async since(lastId: number | null, opts: EventsSinceOptions = {}): Promise<JobEvent[]> {
    const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 100), 1), 1000)
    const params: unknown[] = [lastId ?? 0, limit]
    let where = 'id > $1'
    if (opts.jobId !== undefined) {
      if (!isUuid(opts.jobId)) return []
      params.push(opts.jobId)
      where += ` and job_id = $${params.length}`
    }
    if (opts.projects !== undefined) {
      params.push(opts.projects)
      where += ` and project = any($${params.length}::text[])`
    }
    const { rows } = await this.db.query<EventRow>(`select * from job_events where ${where} order by id limit $2`, params)
    return rows.map(toEvent)
  }
}
