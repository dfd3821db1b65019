// Sweeps and their trials: the storage a sweep runner needs, nothing more yet.
import { randomUUID } from 'node:crypto'
import type { Db } from './db.ts'
import { iso, isUuid, jsonParam } from './sql.ts'
import type { JsonObject, Sweep, SweepTrial } from './types.ts'

interface SweepRow {
  id: string
  spec: JsonObject
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

const toSweep = (r: SweepRow): Sweep => ({
  id: r.id,
  spec: r.spec,
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

export interface SweepInsert {
  id?: string
  spec: JsonObject
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

  async create(s: SweepInsert): Promise<Sweep> {
    const { rows } = await this.db.query<SweepRow>(
      'insert into sweeps (id, spec, state) values ($1, $2::jsonb, $3) returning *',
      [s.id ?? randomUUID(), jsonParam(s.spec), s.state ?? 'running'],
    )
    return toSweep(rows[0])
  }

  async get(id: string): Promise<Sweep | null> {
    if (!isUuid(id)) return null
    const { rows } = await this.db.query<SweepRow>('select * from sweeps where id = $1', [id])
    return rows.length ? toSweep(rows[0]) : null
  }

  /** Sets the state (and the result when given); null when the sweep is missing. */
  async setState(id: string, state: string, result?: JsonObject | null): Promise<Sweep | null> {
    if (!isUuid(id)) return null
    const { rows } = await this.db.query<SweepRow>(
      `update sweeps set state = $2, result = case when $3 then $4::jsonb else result end, updated_at = now()
       where id = $1 returning *`,
      [id, state, result !== undefined, jsonParam(result)],
    )
    return rows.length ? toSweep(rows[0]) : null
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

  async listTrials(sweepId: string): Promise<SweepTrial[]> {
    if (!isUuid(sweepId)) return []
    const { rows } = await this.db.query<TrialRow>('select * from sweep_trials where sweep_id = $1 order by trial_index', [sweepId])
    return rows.map(toTrial)
  }
}
