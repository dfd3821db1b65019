// What the api answers with. Shared by the routes (response schemas, hence the OpenAPI
// document), the CLI and the tests.
import { Type, type Static } from 'typebox'
import { JobCreate, JobKindSchema, JobStateSchema } from './jobs.ts'
import { Provenance } from './provenance.ts'
import { EvaluateReport, JobResult } from './results.ts'

const Timestamp = Type.String({ format: 'date-time' })
const FreeObject = Type.Object({}, { additionalProperties: true })
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const Progress = Type.Object(
  {
    step: Type.Optional(Type.Number()),
    total: Type.Optional(Type.Number()),
    loss: Type.Optional(Nullable(Type.Number())),
    tokensPerSecond: Type.Optional(Nullable(Type.Number())),
    etaSeconds: Type.Optional(Nullable(Type.Number())),
  },
  { additionalProperties: true },
)

export const JobError = Type.Object(
  {
    code: Type.Optional(Type.String()),
    type: Type.Optional(Type.String()),
    message: Type.String(),
    frame: Type.Optional(Type.String({ description: 'Last Python frame: file:line in function' })),
    traceback: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
)

export const JobView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    project: Type.String({ description: 'The project it belongs to' }),
    createdBy: Nullable(Type.String({ description: 'Who submitted it (a token’s subject)' })),
    deletedAt: Nullable(Type.String({ format: 'date-time', description: 'Set on a deleted job: the row stays as a tombstone, its outputs are gone' })),
    deletedBy: Nullable(Type.String()),
    kind: JobKindSchema,
    state: JobStateSchema,
    name: Nullable(Type.String()),
    spec: FreeObject,
    priority: Type.Integer(),
    gpus: Type.Integer(),
    tags: Type.Array(Type.String()),
    attempt: Type.Integer({ description: 'Times a worker started the job' }),
    worker: Nullable(Type.String()),
    device: Nullable(Type.String()),
    progress: Nullable(Progress),
    // Typed loosely here (the store's JSON); the document and the generated clients get the shapes by kind.
    result: Type.Unsafe<Record<string, unknown> | null>(Nullable(JobResult)),
    error: Nullable(JobError),
    parentId: Nullable(Type.String()),
    sweepId: Nullable(Type.String()),
    rerunOf: Nullable(Type.String({ format: 'uuid', description: 'The job this one repeats (POST /v1/jobs/{id}/rerun)' })),
    provenance: Nullable(Provenance),
    cancelRequested: Type.Boolean(),
    unschedulable: Type.Optional(
      Nullable(Type.String({ description: 'Queued jobs only: why no worker can take it now (no live worker serves its queue), or null' })),
    ),
    createdAt: Timestamp,
    startedAt: Nullable(Timestamp),
    finishedAt: Nullable(Timestamp),
    updatedAt: Timestamp,
  },
  { $id: 'Job' },
)
export type JobView = Static<typeof JobView>

export const JobList = Type.Object({
  items: Type.Array(JobView),
  nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page' })),
})

export const JobListQuery = Type.Object(
  {
    project: Type.Optional(Type.String({ description: 'Only this project’s jobs (of those the caller can see)' })),
    includeDeleted: Type.Boolean({ default: false, description: 'Also list deleted jobs (tombstones)' }),
    kind: Type.Optional(JobKindSchema),
    state: Type.Optional(JobStateSchema),
    tag: Type.Optional(Type.String()),
    createdAfter: Type.Optional(Timestamp),
    createdBefore: Type.Optional(Timestamp),
    sort: Type.Union([Type.Literal('created_at'), Type.Literal('-created_at')], { default: '-created_at' }),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    cursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)

export const MetricsQuery = Type.Object(
  {
    name: Type.Optional(Type.String({ description: 'Comma-separated metric names' })),
    stepFrom: Type.Optional(Type.Integer({ minimum: 0 })),
    stepTo: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Integer({ minimum: 1, maximum: 100_000, default: 10_000, description: 'Points per series, lowest steps first (ignored with maxPoints)' }),
    maxPoints: Type.Optional(
      Type.Integer({
        minimum: 4,
        maximum: 100_000,
        description:
          'Summarise each series over the whole step range in at most this many points (a chart asks for about 4 per pixel column): the range is cut into maxPoints/4 equal step buckets and each keeps its first, last, lowest and highest point with their exact values, so first and last points and extremes survive. A series with no more points than this comes back whole. Adds `total` to each series.',
      }),
    ),
  },
  { additionalProperties: false },
)

export const MetricSeries = Type.Object({
  name: Type.String(),
  points: Type.Array(Type.Object({ step: Type.Number(), value: Type.Union([Type.Number(), Type.Null()], { description: 'null where the stored value is NaN or ±Infinity (a diverged loss), which JSON cannot carry' }) })),
  total: Type.Optional(Type.Integer({ minimum: 0, description: 'With maxPoints: the points the series has in the range (more than `points` holds when summarised)' })),
})
export const MetricsView = Type.Object({
  jobId: Type.String(),
  names: Type.Array(Type.String(), { description: 'Every metric name the job has logged (whatever `name` selects), e.g. train/loss, train/lr' }),
  series: Type.Array(MetricSeries),
})

export const ArtifactView = Type.Object({
  name: Type.String(),
  kind: Type.String(),
  size: Type.Number(),
  sha256: Type.String(),
  createdAt: Timestamp,
  url: Type.String({ description: 'Download path' }),
})
export const ArtifactList = Type.Object({ items: Type.Array(ArtifactView) })

export const SolverView = Type.Object({
  name: Type.String(),
  description: Type.String(),
  parameters: FreeObject,
})

export const JobCreateBody = JobCreate

export const ReportView = Type.Object({ report: EvaluateReport, table: Type.String({ description: 'The report as a plain-text table' }) })

export const LogsQuery = Type.Object(
  {
    follow: Type.Boolean({ default: false, description: 'Keep the answer open and send new lines as the job logs them, until it ends' }),
    tail: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'Only the last N lines logged so far' })),
  },
  { additionalProperties: false },
)

/** One device a worker runs jobs on, as its latest heartbeat sampled it. */
export const WorkerDevice = Type.Object(
  {
    kind: Type.Union([Type.Literal('cpu'), Type.Literal('cuda')]),
    index: Nullable(Type.Integer({ description: 'GPU index on its machine, as in FSDFM_GPUS and nvidia-smi; null for the CPU' })),
    name: Type.String({ description: 'GPU model, or the CPU model' }),
    memoryTotalBytes: Nullable(Type.Number({ description: 'Memory of the device (the host’s RAM for the CPU)' })),
    memoryUsedBytes: Nullable(Type.Number({ description: 'GPU memory in use by any process (torch.cuda.mem_get_info, else nvidia-smi); null on the CPU or when unknown' })),
    memoryReservedBytes: Nullable(Type.Number({ description: 'GPU memory PyTorch’s allocator holds in the worker’s own Python process (torch.cuda.memory_reserved); null on the CPU' })),
    utilizationPercent: Nullable(Type.Number({ description: 'GPU utilisation (nvidia-smi utilization.gpu); null on the CPU or without nvidia-smi' })),
  },
  { $id: 'WorkerDevice' },
)
export type WorkerDevice = Static<typeof WorkerDevice>

/** A job a worker is running, as its latest heartbeat (or its taking or ending a job) reported it. */
export const WorkerJob = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: JobKindSchema,
    attempt: Type.Integer({ description: 'The job’s attempt this worker runs' }),
    startedAt: Timestamp,
  },
  { $id: 'WorkerJob' },
)
export type WorkerJob = Static<typeof WorkerJob>

export const WorkerView = Type.Object(
  {
    name: Type.String(),
    host: Type.String(),
    queues: Type.Array(Type.String(), { description: 'Queues it takes jobs from: data, cpu, gpuN' }),
    gpus: Type.Integer(),
    memoryBytes: Nullable(Type.Number({ description: 'Memory of one device it runs jobs on (a GPU, or the host’s RAM)' })),
    status: Type.Union([Type.Literal('live'), Type.Literal('lost'), Type.Literal('stopped')], {
      description: 'live: heartbeating; lost: silent for three of its heartbeat intervals without having stopped (killed, hung, cut off); stopped: shut down',
    }),
    live: Type.Boolean({ description: 'status is live: what the api counts when it decides whether some worker can run a job' }),
    heartbeatMs: Type.Integer({ description: 'How often it heartbeats (its FSDFM_HEARTBEAT_MS)' }),
    versions: Type.Object({
      node: Nullable(Type.String()),
      python: Nullable(Type.String()),
      torch: Nullable(Type.String()),
      cuda: Nullable(Type.String({ description: 'The CUDA version PyTorch was built with; null for a CPU build' })),
    }),
    devices: Type.Array(WorkerDevice, { description: 'Its GPUs (or its CPU), sampled at its latest heartbeat' }),
    jobs: Type.Array(WorkerJob, { description: 'The jobs it runs now (as of its latest heartbeat; empty once it stopped)' }),
    startedAt: Timestamp,
    heartbeatAt: Timestamp,
    stoppedAt: Nullable(Timestamp),
  },
  { $id: 'Worker' },
)
export const WorkerList = Type.Object({ items: Type.Array(WorkerView) })
export type WorkerView = Static<typeof WorkerView>

export const QueueView = Type.Object(
  {
    name: Type.String({ description: 'data, cpu or gpuN' }),
    waiting: Type.Integer({ description: 'Jobs waiting for a worker (BullMQ waiting and prioritized). Fair share keeps each project’s backlog in the store and only a few of its jobs here' }),
    running: Type.Integer({ description: 'Jobs a worker holds (BullMQ active)' }),
    delayed: Type.Integer(),
    oldestWaitSeconds: Nullable(Type.Number({ description: 'Seconds since the oldest waiting job was put on the queue; null when none waits' })),
    paused: Type.Boolean({ description: 'No worker takes a new job from it until it is resumed' }),
  },
  { $id: 'Queue' },
)
export const QueueList = Type.Object({ items: Type.Array(QueueView) })
