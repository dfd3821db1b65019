// Rows as the rest of the service sees them: camelCase, JSON columns as values, timestamps
// as ISO-8601 strings (millisecond precision, UTC), int8 columns as numbers.
import type { JobKind, JobState, SpecOf } from '../schemas/jobs.ts'
import type { Provenance } from '../schemas/provenance.ts'

export type { JobKind, JobState }
export type JsonObject = Record<string, unknown>

/** contracts.md §3: code, message, type, frame (plus anything else the worker adds, e.g. traceback). */
export interface JobError {
  code?: string
  message: string
  type?: string
  frame?: string
  [key: string]: unknown
}

/** Everything a job row holds but its kind and spec. */
export interface JobBase {
  id: string
  /** The project the job belongs to (who may see and change it). */
  project: string
  /** Who submitted it (a token's subject), null for jobs from before identities. */
  createdBy: string | null
  /** Set when the job was deleted: the row stays as a tombstone, its outputs are gone. */
  deletedAt: string | null
  deletedBy: string | null
  state: JobState
  name: string | null
  priority: number
  gpus: number
  tags: string[]
  attempt: number
  worker: string | null
  device: string | null
  progress: JsonObject | null
  result: JsonObject | null
  error: JobError | null
  parentId: string | null
  sweepId: string | null
  cancelRequested: boolean
  /** Incremented each time a worker takes the job; a worker's writes carry it (fencing). */
  fence: number
  /** The holding worker's last sign of life (null when no worker holds the job). */
  heartbeatAt: string | null
  /** What ran the latest attempt (null until a worker took it). */
  provenance: Provenance | null
  /** The job this one repeats (POST /v1/jobs/{id}/rerun). */
  rerunOf: string | null
  /** The attempt count at its last resume: crash retries are counted from there. */
  attemptBase: number
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  updatedAt: string
}

/** A job of one kind: its spec is that kind's (src/schemas/jobs.ts), defaults filled in at submission. */
export type JobOf<K extends JobKind> = JobBase & { kind: K; spec: SpecOf<K> }

/** A job row, discriminated by kind: `if (job.kind === 'sample') job.spec.seqLen`. */
export type Job = { [K in JobKind]: JobOf<K> }[JobKind]

export interface JobInsert {
  /** Default: crypto.randomUUID(). */
  id?: string
  kind: JobKind
  spec: JsonObject
  /** Default: 'queued'. */
  state?: JobState
  name?: string | null
  /** Default: 50. */
  priority?: number
  /** Default: 0. */
  gpus?: number
  /** Default: []. */
  tags?: string[]
  parentId?: string | null
  sweepId?: string | null
  /** Default: 'default'. */
  project?: string
  createdBy?: string | null
  rerunOf?: string | null
}

/** Fields a state transition may set; undefined leaves a column as it is, null clears it. */
export interface JobPatch {
  worker?: string | null
  device?: string | null
  result?: JsonObject | null
  error?: JobError | null
  progress?: JsonObject | null
  /** Default when moving to 'running': now. */
  startedAt?: string | Date | null
  /** Default when moving to a terminal state: now. */
  finishedAt?: string | Date | null
  /** Added to attempt (true = 1). */
  attemptIncrement?: number | boolean
  /** Who caused the change (a token's subject), recorded in its state event. */
  by?: string | null
}

export type JobSort = 'created_at' | '-created_at'

export interface JobListQuery {
  /** Only jobs of these projects (all when absent). */
  projects?: string[]
  /** Include deleted jobs (tombstones). Default: false. */
  includeDeleted?: boolean
  kind?: JobKind
  state?: JobState | JobState[]
  /** Jobs carrying this tag (or all of these tags). */
  tag?: string | string[]
  /** created_at >= createdAfter. */
  createdAfter?: string | Date
  /** created_at < createdBefore. */
  createdBefore?: string | Date
  sweepId?: string
  parentId?: string
  /** Default: '-created_at' (newest first). */
  sort?: JobSort
  /** Default 50, at most 500. */
  limit?: number
  /** nextCursor of the previous page (same filters and sort). */
  cursor?: string
}

export interface Page<T> {
  items: T[]
  /** Null on the last page. */
  nextCursor: string | null
}

export const JOB_EVENT_TYPES = ['state', 'progress', 'metric', 'log', 'trace'] as const
export type JobEventType = (typeof JOB_EVENT_TYPES)[number]

export interface JobEvent {
  /** Strictly increasing in commit order: the SSE Last-Event-ID. */
  id: number
  jobId: string
  /** The job's project (who may see the event). */
  project: string
  type: JobEventType
  data: unknown
  createdAt: string
}

export interface MetricPoint {
  name: string
  step: number
  value: number
}

export interface MetricSeries {
  name: string
  points: { step: number; value: number }[]
  /** With `maxPoints`: how many points the series has in the range (points holds a summary when more). */
  total?: number
}

export interface MetricQuery {
  names?: string[]
  /** Inclusive. */
  stepFrom?: number
  /** Inclusive. */
  stepTo?: number
  /** Points per series, lowest steps first. Default 10,000, at most 100,000. */
  limit?: number
  /**
   * At most this many points per series (4 or more) summarising the whole range instead of
   * cutting it at `limit` (which then does not apply): see downsampleSql in metrics.ts.
   */
  maxPoints?: number
}

export interface Artifact {
  id: string
  jobId: string
  name: string
  kind: string
  path: string
  size: number
  sha256: string
  createdAt: string
}

/** A sweep row; S is the type its spec was written with (the sweeps module's StoredSweepSpec). */
export interface Sweep<S = JsonObject> {
  id: string
  project: string
  createdBy: string | null
  spec: S
  state: string
  result: JsonObject | null
  createdAt: string
  updatedAt: string
}

export interface SweepTrial {
  sweepId: string
  trialIndex: number
  jobId: string | null
  params: JsonObject
  state: string
  objective: number | null
  metrics: JsonObject | null
  updatedAt: string
}
