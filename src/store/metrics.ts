// Metric time series per job. (job_id, name, step) is the key, so a resumed job that logs a
// step again overwrites the value instead of adding a second point.
import type { Db } from './db.ts'
import { appendEvent } from './events.ts'
import { fenced } from './fence.ts'
import { isUuid } from './sql.ts'
import type { MetricPoint, MetricQuery, MetricSeries } from './types.ts'

export const DEFAULT_POINTS_PER_SERIES = 10_000
export const MAX_POINTS_PER_SERIES = 100_000

export class MetricsRepo {
  constructor(private readonly db: Db) {}

  /**
   * Upserts a batch (the last of duplicate (name, step) pairs wins) and appends one 'metric'
   * event carrying the batch. Returns the number of points stored. With `fence`, a worker's
   * write: refused (FencedError) unless that attempt still holds the job.
   */
  async record(jobId: string, points: readonly MetricPoint[], fence?: number): Promise<number> {
    const latest = new Map<string, MetricPoint>()
    for (const p of points) {
      if (typeof p.name !== 'string' || !p.name) throw new TypeError('metric name must be a non-empty string')
      if (!Number.isSafeInteger(p.step)) throw new TypeError(`metric step must be an integer: ${p.step}`)
      if (typeof p.value !== 'number') throw new TypeError(`metric value must be a number: ${String(p.value)}`)
      latest.set(JSON.stringify([p.name, p.step]), p)
    }
    const batch = [...latest.values()]
    if (!batch.length) return 0
    return fenced(this.db, jobId, fence, async (t) => {
      await t.query(
        `insert into metrics (job_id, name, step, value)
         select $1, u.name, u.step, u.value from unnest($2::text[], $3::bigint[], $4::float8[]) as u (name, step, value)
         on conflict (job_id, name, step) do update set value = excluded.value, created_at = now()`,
        [jobId, batch.map((p) => p.name), batch.map((p) => p.step), batch.map((p) => p.value)],
      )
      // JSON has no NaN/Infinity: the event carries null there; the table keeps the number.
      await appendEvent(t, jobId, 'metric', { points: batch.map(({ name, step, value }) => ({ name, step, value })) })
      return batch.length
    })
  }

  /** Series by name (sorted), each with up to `limit` points in step order. */
  async query(jobId: string, q: MetricQuery = {}): Promise<MetricSeries[]> {
    if (!isUuid(jobId)) return []
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? DEFAULT_POINTS_PER_SERIES), 1), MAX_POINTS_PER_SERIES)
    const params: unknown[] = [jobId, limit]
    const where = ['job_id = $1']
    if (q.names !== undefined) {
      params.push(q.names)
      where.push(`name = any($${params.length}::text[])`)
    }
    if (q.stepFrom !== undefined) {
      params.push(q.stepFrom)
      where.push(`step >= $${params.length}::bigint`)
    }
    if (q.stepTo !== undefined) {
      params.push(q.stepTo)
      where.push(`step <= $${params.length}::bigint`)
    }
    const { rows } = await this.db.query<{ name: string; step: number; value: number }>(
      `select name, step, value from (
         select name, step, value, row_number() over (partition by name order by step) as n
         from metrics where ${where.join(' and ')}
       ) m where n <= $2 order by name, step`,
      params,
    )
    const series: MetricSeries[] = []
    for (const r of rows) {
      let last = series[series.length - 1]
      if (!last || last.name !== r.name) series.push((last = { name: r.name, points: [] }))
      last.points.push({ step: r.step, value: r.value })
    }
    return series
  }

  async names(jobId: string): Promise<string[]> {
    if (!isUuid(jobId)) return []
    const { rows } = await this.db.query<{ name: string }>('select distinct name from metrics where job_id = $1 order by name', [jobId])
    return rows.map((r) => r.name)
  }
}
