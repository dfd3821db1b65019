// Sweeps and their trials (src/sweeps/ runs them): rows keyed by (sweep_id, trial_index),
// guarded state changes, and the metric reads a sweep controller makes across its trial jobs.
import { randomUUID } from 'node:crypto'
import type { Db } from './db.ts'
import { iso, isUuid, jsonParam } from './sql.ts'
import type { JsonObject, Sweep, SweepTrial } from './types.ts'

interface SweepRow {
  id: string
  project: string
  created_by: string | null
  spec: unknown
  state: string
  result: JsonObject | null
  created_at: Date
  updated_at: Date
}

interface TrialRow {
  sweep_id: string
  trial_index: number
  job_id: string | null
  params: JsonObject
  state: string
  objective: number | null
  metrics: JsonObject | null
  updated_at: Date
}

// The spec column holds what create() was given: S is the caller's word for its type.
const toSweep = <S>(r: SweepRow): Sweep<S> => ({
  id: r.id,
  project: r.project,
  createdBy: r.created_by,
  spec: r.spec as S,
  state: r.state,
  result: r.result,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
})

const toTrial = (r: TrialRow): SweepTrial => ({
  sweepId: r.sweep_id,
  trialIndex: r.trial_index,
  jobId: r.job_id,
  params: r.params,
  state: r.state,
  objective: r.objective,
  metrics: r.metrics,
  updatedAt: iso(r.updated_at),
})

export interface SweepInsert<S = JsonObject> {
  id?: string
  project?: string
  createdBy?: string | null
  spec: S
  /** Default: 'running'. */
  state?: string
}

export interface TrialUpsert {
  trialIndex: number
  params: JsonObject
  state: string
  jobId?: string | null
  objective?: number | null
  metrics?: JsonObject | null
}

export class SweepsRepo {
  constructor(private readonly db: Db) {}

  async create<S = JsonObject>(s: SweepInsert<S>): Promise<Sweep<S>> {
    const { rows } = await this.db.query<SweepRow>(
      'insert into sweeps (id, spec, state, project, created_by) values ($1, $2::jsonb, $3, $4, $5) returning *',
      [s.id ?? randomUUID(), jsonParam(s.spec), s.state ?? 'running', s.project ?? 'default', s.createdBy ?? null],
    )
    return toSweep<S>(rows[0])
  }

  async get<S = JsonObject>(id: string): Promise<Sweep<S> | null> {
    if (!isUuid(id)) return null
    const { rows } = await this.db.query<SweepRow>('select * from sweeps where id = $1', [id])
    return rows.length ? toSweep<S>(rows[0]) : null
  }

  /** Sets the state (and the result when given); null when the sweep is missing. */
  async setState<S = JsonObject>(id: string, state: string, result?: JsonObject | null): Promise<Sweep<S> | null> {
    if (!isUuid(id)) return null
    const { rows } = await this.db.query<SweepRow>(
      `update sweeps set state = $2, result = case when $3 then $4::jsonb else result end, updated_at = now()
       where id = $1 returning *`,
      [id, state, result !== undefined, jsonParam(result)],
    )
    return rows.length ? toSweep<S>(rows[0]) : null
  }

  /** Inserts or replaces trial `trialIndex`; omitted optional fields keep their stored value. */
  async upsertTrial(sweepId: string, t: TrialUpsert): Promise<SweepTrial> {
    const { rows } = await this.db.query<TrialRow>(
      `insert into sweep_trials (sweep_id, trial_index, job_id, params, state, objective, metrics)
       values ($1, $2, $3, $4::jsonb, $5, $6, $7::jsonb)
       on conflict (sweep_id, trial_index) do update set
         params = excluded.params,
         state = excluded.state,
         job_id = case when $8 then excluded.job_id else sweep_trials.job_id end,
         objective = case when $9 then excluded.objective else sweep_trials.objective end,
         metrics = case when $10 then excluded.metrics else sweep_trials.metrics end,
         updated_at = now()
       returning *`,
      [
        sweepId,
        t.trialIndex,
        t.jobId ?? null,
        jsonParam(t.params),
        t.state,
        t.objective ?? null,
        jsonParam(t.metrics),
        t.jobId !== undefined,
        t.objective !== undefined,
        t.metrics !== undefined,
      ],
    )
    return toTrial(rows[0])
  }

  /** Newest first. */
  async list<S = JsonObject>(q: { state?: string; limit?: number; projects?: string[] } = {}): Promise<Sweep<S>[]> {
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 50), 1), 500)
    const { rows } = await this.db.query<SweepRow>(
      `select * from sweeps where ($1::text is null or state = $1) and ($3::text[] is null or project = any($3::text[]))
       order by created_at desc, id desc limit $2`,
      [q.state ?? null, limit, q.projects ?? null],
    )
    return rows.map((r) => toSweep<S>(r))
  }

  /** Compare-and-set of the state: null when the sweep is missing or not in one of `from`. */
  async transition<S = JsonObject>(id: string, from: readonly string[], to: string, result?: JsonObject | null): Promise<Sweep<S> | null> {
    if (!isUuid(id)) return null
    const { rows } = await this.db.query<SweepRow>(
      `update sweeps set state = $3, result = case when $4 then $5::jsonb else result end, updated_at = now()
       where id = $1 and state = any($2::text[]) returning *`,
      [id, [...from], to, result !== undefined, jsonParam(result)],
    )
    return rows.length ? toSweep<S>(rows[0]) : null
  }

  /** Inserts trial `trialIndex` unless it exists; null when it already did (another process created it). */
  async insertTrial(sweepId: string, t: TrialUpsert): Promise<SweepTrial | null> {
    const { rows } = await this.db.query<TrialRow>(
      `insert into sweep_trials (sweep_id, trial_index, job_id, params, state, objective, metrics)
       values ($1, $2, $3, $4::jsonb, $5, $6, $7::jsonb)
       on conflict (sweep_id, trial_index) do nothing returning *`,
      [sweepId, t.trialIndex, t.jobId ?? null, jsonParam(t.params), t.state, t.objective ?? null, jsonParam(t.metrics)],
    )
    return rows.length ? toTrial(rows[0]) : null
  }

  /**
   * Updates a trial only while its state is one of `from` (a guarded transition); omitted
   * fields keep their value. Null when the trial is missing or in another state.
   */
  async updateTrial(
    sweepId: string,
    trialIndex: number,
    from: readonly string[],
    patch: { state?: string; objective?: number | null; metrics?: JsonObject | null },
  ): Promise<SweepTrial | null> {
    const { rows } = await this.db.query<TrialRow>(
      `update sweep_trials set
         state = coalesce($4, state),
         objective = case when $5 then $6 else objective end,
         metrics = case when $7 then $8::jsonb else metrics end,
         updated_at = now()
       where sweep_id = $1 and trial_index = $2 and state = any($3::text[]) returning *`,
      [
        sweepId,
        trialIndex,
        [...from],
        patch.state ?? null,
        patch.objective !== undefined,
        patch.objective ?? null,
        patch.metrics !== undefined,
        jsonParam(patch.metrics),
      ],
    )
    return rows.length ? toTrial(rows[0]) : null
  }

  /** Trial counts by state for each sweep. */
  async countTrials(sweepIds: readonly string[]): Promise<Map<string, Record<string, number>>> {
    const out = new Map<string, Record<string, number>>()
    const ids = sweepIds.filter(isUuid)
    if (!ids.length) return out
    const { rows } = await this.db.query<{ sweep_id: string; state: string; n: number }>(
      'select sweep_id, state, count(*)::integer as n from sweep_trials where sweep_id = any($1::uuid[]) group by sweep_id, state',
      [ids],
    )
    for (const r of rows) {
      const counts = out.get(r.sweep_id) ?? {}
      counts[r.state] = r.n
      out.set(r.sweep_id, counts)
    }
    return out
  }

  /** One metric series of each of the trial jobs (job id -> points in step order), in one query. */
  async trialSeries(jobIds: readonly string[], name: string): Promise<Map<string, { step: number; value: number }[]>> {
    const out = new Map<string, { step: number; value: number }[]>()
    const ids = jobIds.filter(isUuid)
    if (!ids.length) return out
    const { rows } = await this.db.query<{ job_id: string; step: number; value: number }>(
      'select job_id, step, value from metrics where job_id = any($1::uuid[]) and name = $2 order by job_id, step',
      [ids, name],
    )
    for (const r of rows) {
      const points = out.get(r.job_id) ?? []
      points.push({ step: r.step, value: r.value })
      out.set(r.job_id, points)
    }
    return out
  }

  /** The last logged value and step of every series of the trial jobs (job id -> name -> point). */
  async trialLastMetrics(jobIds: readonly string[]): Promise<Map<string, Record<string, { step: number; value: number }>>> {
    const out = new Map<string, Record<string, { step: number; value: number }>>()
    const ids = jobIds.filter(isUuid)
    if (!ids.length) return out
    const { rows } = await this.db.query<{ job_id: string; name: string; step: number; value: number }>(
      `select distinct on (job_id, name) job_id, name, step, value from metrics
       where job_id = any($1::uuid[]) order by job_id, name, step desc`,
      [ids],
    )
    for (const r of rows) {
      const last = out.get(r.job_id) ?? {}
      last[r.name] = { step: r.step, value: r.value }
      out.set(r.job_id, last)
    }
    return out
  }

  async listTrials(sweepId: string): Promise<SweepTrial[]> {
    if (!isUuid(sweepId)) return []
    const { rows } = await this.db.query<TrialRow>('select * from sweep_trials where sweep_id = $1 order by trial_index', [sweepId])
    return rows.map(toTrial)
  }
}
