// Workers as the store knows them: each registers when it starts and heartbeats while it runs,
// so any api process can tell which queues some worker serves (and refuse, or flag, a job none
// can run) without asking Redis or the workers themselves.
import type { Db } from './db.ts'
import { iso, isoOrNull, jsonParam } from './sql.ts'
import type { JsonObject } from './types.ts'

export interface WorkerRecord {
  name: string
  host: string
  queues: string[]
  gpus: number
  /** Memory of one device the worker runs jobs on (one GPU, or the host's RAM); null when unknown. */
  memoryBytes: number | null
  info: JsonObject | null
  startedAt: string
  heartbeatAt: string
  stoppedAt: string | null
  /** Heard from within the liveness window, and not stopped. */
  live: boolean
}

interface Row {
  name: string
  host: string
  queues: string[]
  gpus: number
  memory_bytes: number | null
  info: JsonObject | null
  started_at: Date
  heartbeat_at: Date
  stopped_at: Date | null
  live: boolean
}

export interface WorkerRegistration {
  name: string
  host: string
  queues: string[]
  gpus: number
  memoryBytes: number | null
  info?: JsonObject
}

export class WorkersRepo {
  constructor(private readonly db: Db) {}

  async register(w: WorkerRegistration): Promise<void> {
    await this.db.query(
      `insert into workers (name, host, queues, gpus, memory_bytes, info) values ($1, $2, $3::text[], $4, $5, $6::jsonb)
       on conflict (name) do update set host = excluded.host, queues = excluded.queues, gpus = excluded.gpus,
         memory_bytes = excluded.memory_bytes, info = excluded.info, started_at = now(), heartbeat_at = now(), stopped_at = null`,
      [w.name, w.host, w.queues, w.gpus, w.memoryBytes, jsonParam(w.info ?? null)],
    )
  }

  async heartbeat(name: string): Promise<void> {
    await this.db.query('update workers set heartbeat_at = now(), stopped_at = null where name = $1', [name])
  }

  async stopped(name: string): Promise<void> {
    await this.db.query('update workers set stopped_at = now() where name = $1', [name])
  }

  /** Workers heard from within `withinMs`; `live` marks those within `liveMs` and not stopped. */
  async list(liveMs: number, withinMs: number): Promise<WorkerRecord[]> {
    const { rows } = await this.db.query<Row>(
      `select *, (stopped_at is null and heartbeat_at > now() - make_interval(secs => $1::float8 / 1000)) as live
       from workers where heartbeat_at > now() - make_interval(secs => $2::float8 / 1000) order by name`,
      [liveMs, withinMs],
    )
    return rows.map((r) => ({
      name: r.name,
      host: r.host,
      queues: r.queues,
      gpus: r.gpus,
      memoryBytes: r.memory_bytes,
      info: r.info,
      startedAt: iso(r.started_at),
      heartbeatAt: iso(r.heartbeat_at),
      stoppedAt: isoOrNull(r.stopped_at),
      live: r.live,
    }))
  }
}
