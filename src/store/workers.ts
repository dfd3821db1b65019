// Workers as the store knows them: each registers when it starts and heartbeats while it runs,
// so any api process can tell which queues some worker serves (and refuse, or flag, a job none
// can run) without asking Redis or the workers themselves.
import type { Db } from './db.ts'
import { iso, isoOrNull, jsonParam } from './sql.ts'
import type { JsonObject } from './types.ts'

/** A worker silent for this many of its own heartbeat intervals counts as lost. */
export const LOST_AFTER_HEARTBEATS = 3
/** The interval of a worker that registered without one (before it was recorded). */
export const DEFAULT_HEARTBEAT_MS = 10_000

export interface WorkerRecord {
  name: string
  host: string
  queues: string[]
  gpus: number
  /** Memory of one device the worker runs jobs on (one GPU, or the host's RAM); null when unknown. */
  memoryBytes: number | null
  info: JsonObject | null
  /** What its latest heartbeat sampled: current jobs, devices (null before the first). */
  status: JsonObject | null
  /** How often it heartbeats. */
  heartbeatMs: number
  startedAt: string
  heartbeatAt: string
  stoppedAt: string | null
  /** Heard from within LOST_AFTER_HEARTBEATS of its heartbeats, and not stopped. */
  live: boolean
  /** Not stopped, but silent for longer than that: killed, hung or cut off. */
  lost: boolean
}

interface Row {
  name: string
  host: string
  queues: string[]
  gpus: number
  memory_bytes: number | null
  info: JsonObject | null
  status: JsonObject | null
  heartbeat_ms: number
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
  /** How often it will heartbeat (default DEFAULT_HEARTBEAT_MS). */
  heartbeatMs?: number
  /** What its first heartbeat would say (devices, no jobs yet), so it is never shown without. */
  status?: JsonObject
}

export class WorkersRepo {
  constructor(private readonly db: Db) {}

  async register(w: WorkerRegistration): Promise<void> {
    await this.db.query(
      `insert into workers (name, host, queues, gpus, memory_bytes, info, heartbeat_ms, status) values ($1, $2, $3::text[], $4, $5, $6::jsonb, $7, $8::jsonb)
       on conflict (name) do update set host = excluded.host, queues = excluded.queues, gpus = excluded.gpus,
         memory_bytes = excluded.memory_bytes, info = excluded.info, heartbeat_ms = excluded.heartbeat_ms, status = excluded.status,
         started_at = now(), heartbeat_at = now(), stopped_at = null`,
      [w.name, w.host, w.queues, w.gpus, w.memoryBytes, jsonParam(w.info ?? null), w.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, jsonParam(w.status ?? null)],
    )
  }

  /** The worker is alive; `status` (current jobs, devices) replaces the last one when given. */
  async heartbeat(name: string, status?: JsonObject): Promise<void> {
    await this.db.query('update workers set heartbeat_at = now(), stopped_at = null, status = coalesce($2::jsonb, status) where name = $1', [name, jsonParam(status ?? null)])
  }

  async stopped(name: string): Promise<void> {
    await this.db.query('update workers set stopped_at = now() where name = $1', [name])
  }

  /**
   * Workers heard from within `withinMs`; `live` marks those heard from within LOST_AFTER_HEARTBEATS
   * of their own heartbeat intervals and not stopped (so the api needs no setting of theirs).
   */
  async list(withinMs: number): Promise<WorkerRecord[]> {
    const { rows } = await this.db.query<Row>(
      `select *, (stopped_at is null and heartbeat_at > now() - make_interval(secs => heartbeat_ms * $1::float8 / 1000)) as live
       from workers where heartbeat_at > now() - make_interval(secs => $2::float8 / 1000) order by name`,
      [LOST_AFTER_HEARTBEATS, withinMs],
    )
    return rows.map((r) => ({
      name: r.name,
      host: r.host,
      queues: r.queues,
      gpus: r.gpus,
      memoryBytes: r.memory_bytes,
      info: r.info,
      status: r.status,
      heartbeatMs: r.heartbeat_ms,
      startedAt: iso(r.started_at),
      heartbeatAt: iso(r.heartbeat_at),
      stoppedAt: isoOrNull(r.stopped_at),
      live: r.live,
      lost: !r.live && r.stopped_at === null,
    }))
  }
}
