// The one list of the metrics /metrics serves: names, labels and help texts. Everything else
// (the collectors, the README's "Operating it" table, its staleness test, the Grafana dashboard)
// refers to these names. Two kinds of series:
//  - read from the store and Redis at scrape time (jobs, queues, workers, running jobs): every api
//    process reports the same values, covering workers in any process; aggregate them with max
//    (or scrape one api process), never sum;
//  - counted by the api process that answered the request (submissions, refusals, HTTP latency,
//    Node's own metrics): each process counts its own; aggregate them with sum.

export interface MetricDef {
  name: string
  help: string
  labels: readonly string[]
}

const def = (name: string, labels: readonly string[], help: string): MetricDef => ({ name, labels, help })

export const METRICS = {
  // From the store, at scrape time.
  jobs: def('fsdfm_jobs', ['kind', 'state'], 'Jobs in the store by kind and state (deleted jobs not counted); the same in every api process'),
  jobFailures: def('fsdfm_job_failures', ['kind', 'code'], 'Failed jobs in the store by kind and error code (e.g. python_died); the same in every api process'),
  jobRunSeconds: def(
    'fsdfm_job_run_seconds',
    ['kind', 'state'],
    'Run time (first start to finish) of every finished job, from the store’s startedAt and finishedAt; cumulative, the same in every api process',
  ),
  workerHeartbeatAge: def('fsdfm_worker_heartbeat_age_seconds', ['worker', 'host'], 'Seconds since the worker’s last heartbeat in the store (workers heard from this week)'),
  workerLive: def('fsdfm_worker_live', ['worker', 'host'], '1 when the worker heartbeat within the liveness window and has not stopped, else 0'),
  workerGpuMemoryUsed: def('fsdfm_worker_gpu_memory_used_bytes', ['worker', 'host', 'gpu'], 'GPU memory in use (by any process) on each GPU of a live worker, as its latest heartbeat sampled it'),
  workerGpuMemoryTotal: def('fsdfm_worker_gpu_memory_total_bytes', ['worker', 'host', 'gpu'], 'Memory of each GPU of a live worker'),
  workerGpuUtilization: def('fsdfm_worker_gpu_utilization_percent', ['worker', 'host', 'gpu'], 'Utilisation (nvidia-smi utilization.gpu) of each GPU of a live worker, as its latest heartbeat sampled it'),
  jobTokensPerSecond: def('fsdfm_job_tokens_per_second', ['job_id', 'kind', 'project'], 'Training throughput of a running job, from its latest progress'),
  jobLoss: def('fsdfm_job_loss', ['job_id', 'kind', 'project'], 'Latest training loss of a running job, from its latest progress'),
  // From Redis (BullMQ), at scrape time.
  queueWaiting: def('fsdfm_queue_waiting', ['queue'], 'Jobs waiting on the BullMQ queue for a worker (waiting and prioritized)'),
  queueRunning: def('fsdfm_queue_running', ['queue'], 'Jobs a worker holds (BullMQ active)'),
  queueDelayed: def('fsdfm_queue_delayed', ['queue'], 'Delayed jobs on the BullMQ queue'),
  queueOldestWait: def('fsdfm_queue_oldest_wait_seconds', ['queue'], 'Seconds since the oldest waiting job was put on the queue (0 when none waits)'),
  queuePaused: def('fsdfm_queue_paused', ['queue'], '1 when the queue is paused (POST /v1/queues/{name}/pause), else 0'),
  sourceUp: def('fsdfm_metrics_source_up', ['source'], '1 when this scrape could read the source (store or redis), else 0 (and its series are missing)'),
  // Counted by this api process.
  jobSubmissions: def('fsdfm_job_submissions_total', ['kind'], 'Jobs accepted by POST /v1/jobs (201) in this api process'),
  jobRefusals: def('fsdfm_job_submission_refusals_total', ['code'], 'POST /v1/jobs answered with a 4xx in this api process, by error.code'),
  httpDuration: def('fsdfm_http_request_duration_seconds', ['route', 'method', 'status_class'], 'HTTP request latency in this api process, by route pattern, method and status class (2xx, 4xx, …)'),
} as const satisfies Record<string, MetricDef>

/** Every name above: the staleness test checks each is served and documented in the README. */
export const METRIC_NAMES: readonly string[] = Object.values(METRICS).map((m) => m.name)

/** Node's own metrics (prom-client's collectDefaultMetrics) start with these. */
export const DEFAULT_METRIC_PREFIXES = ['process_', 'nodejs_'] as const

/** Run-time buckets (seconds): a sample job takes under a second, a pre-training run days. */
export const RUN_SECONDS_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14_400, 43_200, 86_400, 259_200, 604_800] as const

/** HTTP latency buckets (seconds). Event streams and followed logs last as long as the client stays. */
export const HTTP_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] as const
