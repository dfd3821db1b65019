// Read-only aggregates over the jobs table for monitoring (/metrics, /v1/queues). They read the
// store rather than any process's memory, so every api process reports the same numbers for
// jobs that workers in other processes (or on other machines) ran.
import type { Db } from './db.ts'
import type { JobKind, JobState, JsonObject } from './types.ts'

export interface JobCount {
  kind: JobKind
  state: JobState
  count: number
}

export interface FailureCount {
  kind: JobKind
  /** The `error.code` of the failed job (e.g. python_died); `unknown` when it has none. */
  code: string
  count: number
}

/** A cumulative run-time histogram of one (kind, terminal state): counts[i] jobs took at most bounds[i] seconds. */
export interface RunTimeHistogram {
  kind: JobKind
  state: JobState
  counts: number[]
  count: number
  sumSeconds: number
}

export interface RunningJob {
  id: string
  kind: JobKind
  project: string
  progress: JsonObject | null
}

export class StatsRepo {
  constructor(private readonly db: Db) {}

  /** Jobs by kind and state; tombstones (deleted jobs) are not counted. */
  async jobCounts(): Promise<JobCount[]> {
    const { rows } = await this.db.query<JobCount>(
      `select kind, state, count(*)::int as count from jobs where deleted_at is null group by kind, state order by kind, state`,
    )
    return rows
  }

  /** Failed jobs by kind and error code; tombstones are not counted. */
  async failureCounts(): Promise<FailureCount[]> {
    const { rows } = await this.db.query<FailureCount>(
      `select kind, coalesce(error->>'code', 'unknown') as code, count(*)::int as count
       from jobs where state = 'failed' and deleted_at is null group by 1, 2 order by 1, 2`,
    )
    return rows
  }

  /**
   * Run time (first start to finish) of every terminal job that started, as cumulative bucket
   * counts for `bounds` (seconds, ascending). Tombstones count: they ran, and a histogram's
   * counts must never go down.
   */
  async runTimes(bounds: readonly number[]): Promise<RunTimeHistogram[]> {
    const { rows } = await this.db.query<{ kind: JobKind; state: JobState; counts: number[]; count: number; sum_seconds: number }>(
      `with runs as (
         select kind, state, greatest(extract(epoch from finished_at - started_at)::float8, 0) as secs
         from jobs where finished_at is not null and started_at is not null and state in ('succeeded', 'failed', 'cancelled')
       ), buckets as (
         select r.kind, r.state, b.i, count(*) filter (where r.secs <= b.le)::int as n
         from runs r cross join unnest($1::float8[]) with ordinality as b(le, i) group by r.kind, r.state, b.i
       )
       select t.kind, t.state, t.count, t.sum_seconds,
         (select array_agg(b.n order by b.i) from buckets b where b.kind = t.kind and b.state = t.state) as counts
       from (select kind, state, count(*)::int as count, coalesce(sum(secs), 0)::float8 as sum_seconds from runs group by kind, state) t
       order by t.kind, t.state`,
      [bounds],
    )
    return rows.map((r) => ({ kind: r.kind, state: r.state, counts: (r.counts ?? []).map(Number), count: r.count, sumSeconds: r.sum_seconds }))
  }

  /** The (kind, gpus) of every job still on its way or running: the queues that are in use. */
  async activeQueueShapes(): Promise<{ kind: JobKind; gpus: number }[]> {
    const { rows } = await this.db.query<{ kind: JobKind; gpus: number }>(
      `select distinct kind, gpus from jobs where state in ('queued', 'running', 'cancelling') and deleted_at is null`,
    )
    return rows
  }

  /** Running jobs with their latest progress (loss, tokens per second), at most `limit`. */
  async running(limit = 1000): Promise<RunningJob[]> {
    const { rows } = await this.db.query<RunningJob>(
      `select id, kind, project, progress from jobs where state = 'running' and deleted_at is null order by started_at limit $1`,
      [limit],
    )
    return rows
  }
}
