// Projects: what jobs, sweeps and uploads belong to, and their quotas.
import type { Db } from './db.ts'
import { iso } from './sql.ts'

export interface Project {
  name: string
  /** Most jobs the project may have queued at once (null: no limit). */
  maxQueued: number | null
  /** Most GPU jobs of the project running (or about to) at once (null: no limit). */
  maxRunningGpu: number | null
  createdAt: string
}

interface Row {
  name: string
  max_queued: number | null
  max_running_gpu: number | null
  created_at: Date
}

const toProject = (r: Row): Project => ({ name: r.name, maxQueued: r.max_queued, maxRunningGpu: r.max_running_gpu, createdAt: iso(r.created_at) })

export class ProjectsRepo {
  constructor(private readonly db: Db) {}

  async list(names?: string[]): Promise<Project[]> {
    const { rows } = names
      ? await this.db.query<Row>('select * from projects where name = any($1::text[]) order by name', [names])
      : await this.db.query<Row>('select * from projects order by name')
    return rows.map(toProject)
  }

  async get(name: string): Promise<Project | null> {
    const { rows } = await this.db.query<Row>('select * from projects where name = $1', [name])
    return rows.length ? toProject(rows[0]) : null
  }

  /** Creates the project or sets its quotas (undefined leaves a quota as it is, null lifts it). */
  async put(name: string, quotas: { maxQueued?: number | null; maxRunningGpu?: number | null } = {}): Promise<Project> {
    const { rows } = await this.db.query<Row>(
      `insert into projects (name, max_queued, max_running_gpu) values ($1, $2, $3)
       on conflict (name) do update set
         max_queued = case when $4 then excluded.max_queued else projects.max_queued end,
         max_running_gpu = case when $5 then excluded.max_running_gpu else projects.max_running_gpu end
       returning *`,
      [name, quotas.maxQueued ?? null, quotas.maxRunningGpu ?? null, quotas.maxQueued !== undefined, quotas.maxRunningGpu !== undefined],
    )
    return toProject(rows[0])
  }

  /** Jobs of the project queued (and not deleted) now. */
  async queuedCount(name: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(`select count(*)::int as n from jobs where project = $1 and state = 'queued' and deleted_at is null`, [name])
    return rows[0].n
  }
}
