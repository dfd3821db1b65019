// Metric time series per job. (job_id, name, step) is the key, so a resumed job that logs a
// step again overwrites the value instead of adding a second point.
import type { Db } from './db.ts'
import { appendEvent } from './events.ts'
import { fenced } from './fence.ts'
import { isUuid } from './sql.ts'
import type { MetricPoint, MetricQuery, MetricSeries } from './types.ts'

export const DEFAULT_POINTS_PER_SERIES = 10_000
export const MAX_POINTS_PER_SERIES = 100_000
/** A summary keeps four points per bucket, so it needs room for one bucket. */
export const MIN_SUMMARY_POINTS = 4

/**
 * The M4 summary of each series (Jugel et al., "M4: a visualization-oriented time series data
 * aggregation", VLDB 2014): the steps are cut into floor(maxPoints / 4) equal step ranges and
 * each keeps its first, last, lowest and highest point, as stored (no averages), so a series
 * keeps its first and last point and every bucket's extremes: a loss spike or a divergence
 * survives, which an average or LTTB (one point per bucket, chosen by triangle area) can drop.
 * With a bucket per pixel column a line drawn through these points covers the same pixels as
 * one drawn through every point. A series with at most maxPoints points in the range comes back
 * whole. Ties keep the earliest step; NaN sorts above every number in PostgreSQL, so the lowest
 * is NaN only when the whole bucket is, and the highest skips NaN (a NaN inside a bucket shows
 * when it is the bucket's first or last point, or at full resolution when zoomed in); ±Infinity
 * are extremes like any value. One pass of hash aggregation, no sort per bucket: the lowest
 * and highest come from min/max over [value, step] arrays (float8 holds every safe-integer step).
 */
function downsampleSql(where: string, maxPoints: string, buckets: string): string {
  return `with sel as (
      select name, step, value from metrics where ${where}
    ), span as (
      select name, min(step) as lo, max(step) as hi, count(*) as total from sel group by name
    ), bucketed as (
      select s.name, s.step, s.value,
             least(floor((s.step - p.lo)::float8 * ${buckets} / (p.hi - p.lo + 1))::int, ${buckets} - 1) as bucket
      from sel s join span p using (name) where p.total > ${maxPoints}
    ), picks as (
      select name, min(step) as first_step, max(step) as last_step,
             (min(array[value, step::float8]))[2] as low_step,
             (max(array[value, -step::float8]) filter (where value <> 'NaN'::float8))[2] as high_step_negated
      from bucketed group by name, bucket
    ), kept as (
      select distinct name, k.step from picks,
        unnest(array[first_step, last_step, low_step::bigint, -high_step_negated::bigint]) as k (step)
      where k.step is not null
    )
    select s.name, s.step, s.value, p.total from sel s join span p using (name) where p.total <= ${maxPoints}
    union all
    select s.name, s.step, s.value, p.total from sel s join kept k using (name, step) join span p using (name)
    order by name, step`
}

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

  /**
   * Series by name (sorted), each with up to `limit` points in step order, or with `maxPoints`
   * a summary of the whole range in at most that many points (and `total`, the points it has).
   */
  async query(jobId: string, q: MetricQuery = {}): Promise<MetricSeries[]> {
    if (!isUuid(jobId)) return []
    const params: unknown[] = [jobId]
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
    const summary = q.maxPoints !== undefined
    let sql: string
    if (summary) {
      const maxPoints = Math.min(Math.max(Math.trunc(q.maxPoints!), MIN_SUMMARY_POINTS), MAX_POINTS_PER_SERIES)
      params.push(maxPoints, Math.floor(maxPoints / 4))
      sql = downsampleSql(where.join(' and '), `$${params.length - 1}`, `$${params.length}`)
    } else {
      params.push(Math.min(Math.max(Math.trunc(q.limit ?? DEFAULT_POINTS_PER_SERIES), 1), MAX_POINTS_PER_SERIES))
      sql = `select name, step, value from (
         select name, step, value, row_number() over (partition by name order by step) as n
         from metrics where ${where.join(' and ')}
       ) m where n <= $${params.length} order by name, step`
    }
    const { rows } = await this.db.query<{ name: string; step: number; value: number; total?: number | string }>(sql, params)
    const series: MetricSeries[] = []
    for (const r of rows) {
      let last = series[series.length - 1]
      if (!last || last.name !== r.name) series.push((last = summary ? { name: r.name, points: [], total: Number(r.total) } : { name: r.name, points: [] }))
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
