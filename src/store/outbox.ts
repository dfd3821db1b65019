// The outbox: jobs the store wants on a queue. A row is written in the same transaction that
// makes a job runnable (submission, a pipeline stage's predecessor succeeding, a hand-back); a
// dispatcher moves rows to BullMQ afterwards and deletes them (src/jobs/dispatcher.ts).
import type { Db } from './db.ts'
import { isoOrNull } from './sql.ts'
import type { Job, JobKind, JobState } from './types.ts'

export async function addToOutbox(t: Db, jobId: string): Promise<void> {
  await t.query('insert into job_outbox (job_id) values ($1)', [jobId])
}

/** What the dispatcher needs of a job to queue it (and whether it may run yet). */
export interface Dispatchable {
  seq: number
  jobId: string
  kind: JobKind
  state: JobState
  gpus: number
  priority: number
  /** The job's predecessor (pipelines) has succeeded, or it has none. */
  ready: boolean
  heartbeatAt: string | null
}

interface Row {
  seq: number
  job_id: string
  kind: JobKind
  state: JobState
  gpus: number
  priority: number
  ready: boolean
  heartbeat_at: Date | null
}

const READY = `(j.parent_id is null or exists (select 1 from jobs p where p.id = j.parent_id and p.state = 'succeeded'))`
/** The BullMQ queue of a job row (queue/index.ts queueFor, in SQL). */
const QUEUE = (t: string) => `(case when ${t}.kind = 'dataset' then 'data' when ${t}.gpus > 0 then 'gpu' || ${t}.gpus else 'cpu' end)`

/** A ready job not yet on its queue, with what fair share needs to know about its project there. */
export interface Candidate {
  jobId: string
  kind: JobKind
  gpus: number
  priority: number
  project: string
  queue: string
  /** Its place among the project's candidates for this queue (1 = next). */
  rank: number
  /** The project's jobs on this queue waiting in BullMQ with this priority or a better one, and running, now. */
  waiting: number
  /** All the project's jobs on this queue waiting in BullMQ (for its running-GPU quota). */
  waitingAll: number
  running: number
  maxRunningGpu: number | null
}
const toDispatchable = (r: Row): Dispatchable => ({
  seq: r.seq,
  jobId: r.job_id,
  kind: r.kind,
  state: r.state,
  gpus: r.gpus,
  priority: r.priority,
  ready: r.ready,
  heartbeatAt: isoOrNull(r.heartbeat_at),
})

export class OutboxRepo {
  constructor(private readonly db: Db) {}

  add(jobId: string): Promise<void> {
    return addToOutbox(this.db, jobId)
  }

  /** The oldest rows, one per job (its latest seq), with the job's state. */
  async pending(limit = 200): Promise<Dispatchable[]> {
    const { rows } = await this.db.query<Row>(
      `select o.seq, j.id as job_id, j.kind, j.state, j.gpus, j.priority, j.heartbeat_at, ${READY} as ready
       from (select job_id, max(seq) as seq from job_outbox group by job_id order by min(seq) limit $1) o
       join jobs j on j.id = o.job_id order by o.seq`,
      [limit],
    )
    return rows.map(toDispatchable)
  }

  /** Removes a job's rows up to seq (a row added later stays for the next pass). */
  async done(jobId: string, seq: number): Promise<void> {
    await this.db.query('delete from job_outbox where job_id = $1 and seq <= $2', [jobId, seq])
  }

  async size(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('select count(*)::int as n from job_outbox')
    return rows[0].n
  }

  /**
   * For the reconciler: every job that should be on a queue now. Queued jobs the dispatcher put
   * there (fair share admits the rest in turn), and held jobs whose holder has been silent for
   * staleMs (its worker died; the queue may have lost the job with Redis).
   */
  async shouldBeQueued(staleMs: number, afterId: string | null, limit: number): Promise<Dispatchable[]> {
    const { rows } = await this.db.query<Row>(
      `select 0 as seq, j.id as job_id, j.kind, j.state, j.gpus, j.priority, j.heartbeat_at, true as ready from jobs j
       where ((j.state = 'queued' and j.dispatched and ${READY})
          or (j.state in ('running', 'cancelling') and (j.heartbeat_at is null or j.heartbeat_at < now() - make_interval(secs => $1::float8 / 1000))))
         and ($2::uuid is null or j.id > $2::uuid)
       order by j.id limit $3`,
      [staleMs, afterId, limit],
    )
    return rows.map(toDispatchable)
  }

  /**
   * Ready queued jobs not on their queue yet, the first `perProject` of each project and queue
   * (by priority, then age), with the project's waiting and running counts on that queue.
   */
  async candidates(perProject: number): Promise<Candidate[]> {
    const { rows } = await this.db.query<{
      id: string; kind: JobKind; gpus: number; priority: number; project: string; queue: string; rank: number; waiting: number; waiting_all: number; running: number; max_running_gpu: number | null
    }>(
      `with live as (
         select project, ${QUEUE('x')} as queue,
                count(*) filter (where x.state = 'queued' and x.dispatched)::int as waiting_all,
                count(*) filter (where x.state in ('running', 'cancelling'))::int as running
         from jobs x where x.state in ('queued', 'running', 'cancelling') and x.deleted_at is null group by 1, 2
       ), ready as (
         select j.id, j.kind, j.gpus, j.priority, j.project, ${QUEUE('j')} as queue,
                row_number() over (partition by j.project, ${QUEUE('j')} order by j.priority, j.created_at, j.id)::int as rank
         from jobs j where j.state = 'queued' and not j.dispatched and j.deleted_at is null and ${READY}
       )
       select r.*, coalesce(l.running, 0) as running, coalesce(l.waiting_all, 0) as waiting_all, p.max_running_gpu,
              -- Only the project's waiting jobs as urgent as this one or more fill its window:
              -- a high-priority job is not held back by the project's own backlog.
              (select count(*)::int from jobs w
                where w.project = r.project and ${QUEUE('w')} = r.queue and w.state = 'queued' and w.dispatched
                  and w.deleted_at is null and w.priority <= r.priority) as waiting
       from ready r left join live l on l.project = r.project and l.queue = r.queue left join projects p on p.name = r.project
       where r.rank <= $1 order by r.priority, r.rank`,
      [perProject],
    )
    return rows.map((r) => ({
      jobId: r.id, kind: r.kind, gpus: r.gpus, priority: r.priority, project: r.project, queue: r.queue,
      rank: r.rank, waiting: r.waiting, waitingAll: r.waiting_all, running: r.running, maxRunningGpu: r.max_running_gpu,
    }))
  }

  /** The job is on its queue now (false: it left `queued` meanwhile). */
  async markDispatched(jobId: string): Promise<boolean> {
    const { rowCount } = await this.db.query(`update jobs set dispatched = true where id = $1 and state = 'queued'`, [jobId])
    return rowCount > 0
  }

  /** Queued jobs whose predecessor ended without success: they can never run. */
  async orphanedStages(limit = 100): Promise<Job['id'][]> {
    const { rows } = await this.db.query<{ parent_id: string }>(
      `select distinct j.parent_id from jobs j join jobs p on p.id = j.parent_id
       where j.state = 'queued' and p.state in ('failed', 'cancelled') limit $1`,
      [limit],
    )
    return rows.map((r) => r.parent_id)
  }
}
