// Configuration: one schema, checked once at start. Environment variables give the values;
// CLI flags override them. Every option documents its default (README "Configuration" is
// generated from this table by `npm run docs:config`).
import { existsSync } from 'node:fs'
import { hostname, totalmem } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { execFileSync } from 'node:child_process'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

export const ConfigSchema = Type.Object({
  FSDFM_HOST: Type.String({ default: '127.0.0.1', description: 'Address the api listens on' }),
  FSDFM_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'Port the api listens on (0 picks a free one)' }),
  FSDFM_DATA_DIR: Type.String({ default: '.data', description: 'Home of the embedded store (PGlite), the private Redis socket and, by default, artifacts' }),
  FSDFM_ARTIFACT_DIR: Type.String({ default: '', description: 'Root of job outputs (datasets, checkpoints, samples, reports); shared by api and workers. Default: <FSDFM_DATA_DIR>/artifacts' }),
  FSDFM_ARTIFACTS: Type.Union([Type.Literal('local'), Type.Literal('remote')], {
    default: 'local',
    description:
      'Worker: where job inputs and outputs go. local: the artifact directory, shared with the api. remote: through the api (FSDFM_API_URL), for a machine without that directory (inputs cached by checksum, outputs uploaded resumably)',
  }),
  FSDFM_API_URL: Type.String({ default: '', description: 'Worker with FSDFM_ARTIFACTS=remote: the api it fetches inputs from and uploads outputs to, e.g. http://api.lab:8080' }),
  FSDFM_API_TOKEN: Type.String({ default: '', description: 'Worker with FSDFM_ARTIFACTS=remote: a superuser token for the api (empty: none, for an api with FSDFM_AUTH=off)' }),
  FSDFM_API_TOKEN_FILE: Type.String({ default: '', description: 'Like FSDFM_API_TOKEN, read from this file (a mounted secret)' }),
  FSDFM_ARTIFACT_CACHE: Type.String({ default: '', description: 'Worker with FSDFM_ARTIFACTS=remote: inputs fetched from the api, one file per sha256, reused by later jobs. Default: <FSDFM_DATA_DIR>/artifact-cache' }),
  FSDFM_INPUT_ROOT: Type.String({ default: '', description: 'The only directory server-side dataset paths and Hugging Face judge directories may come from. Default: <FSDFM_DATA_DIR>/inputs' }),
  DATABASE_URL: Type.String({ default: '', description: 'PostgreSQL connection string. Empty: PGlite (PostgreSQL in process) under <FSDFM_DATA_DIR>/pglite; then api and worker must share one process (`fsdfm up`)' }),
  FSDFM_DB_SCHEMA: Type.String({ default: '', pattern: '^[a-z_][a-z0-9_]*$|^$', description: 'PostgreSQL schema for the tables (empty: public)' }),
  REDIS_URL: Type.String({ default: '', description: 'Redis for the queues. Empty: a private redis-server on a unix socket in <FSDFM_DATA_DIR> (needs the redis-server binary)' }),
  FSDFM_QUEUE_PREFIX: Type.String({ default: 'fsdfm', pattern: '^[A-Za-z0-9_.-]+$', description: 'BullMQ key prefix; several deployments can share one Redis with different prefixes' }),
  PYTHON_BIN: Type.String({ default: '', description: 'Python interpreter with PyTorch. Empty: /usr/bin/python3 when it imports torch, else python3 on PATH' }),
  FSDFM_GPUS: Type.String({ default: '', pattern: '^$|^[0-9]+(,[0-9]+)*$', description: 'Worker: GPU indices it owns, e.g. 0 or 1,2 (sets CUDA_VISIBLE_DEVICES). Empty: a CPU worker' }),
  FSDFM_WORKER_NAME: Type.String({ default: '', description: 'Worker name shown on jobs. Default: <hostname>-<pid>' }),
  FSDFM_POLL_MS: Type.Integer({ minimum: 20, maximum: 5000, default: 500, description: 'How often a worker reads progress from Python and cancel requests from the store (a job’s end is seen at once)' }),
  FSDFM_LOCK_MS: Type.Integer({ minimum: 1000, maximum: 600_000, default: 30_000, description: 'Lease of a running job: a worker renews it; one that cannot (dead, paused, cut off from Redis) has its Python stopped before it ends, and the job is taken up again within about twice this' }),
  FSDFM_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 3, description: 'Times a job is started before it fails for good after worker crashes' }),
  FSDFM_MODEL_CACHE: Type.Integer({ minimum: 0, maximum: 64, default: 4, description: 'Checkpoints a worker keeps loaded for repeated sample jobs' }),
  FSDFM_GPU_MEMORY_GIB: Type.Number({ exclusiveMinimum: 0, default: 80, description: 'Memory of one GPU, for refusing training jobs whose model cannot fit the GPUs asked for' }),
  FSDFM_CPU_MAX_PARAMS: Type.Number({ exclusiveMinimum: 0, default: 200_000_000, description: 'Largest model (parameters) a CPU job (gpus: 0) may train or sample' }),
  FSDFM_CPU_MEMORY_GIB: Type.Number({ minimum: 0, default: 0, description: 'Memory a CPU job may use, for refusing jobs that cannot fit when no registered CPU worker reports its memory. 0: this machine’s memory' }),
  FSDFM_MAX_SAMPLE_TOKENS: Type.Integer({ minimum: 1, default: 4_194_304, description: 'Most tokens one job may generate: samples x length (times step budgets and models for evaluate)' }),
  FSDFM_MAX_BATCH_TOKENS: Type.Integer({ minimum: 1, default: 262_144, description: 'Most tokens in one forward pass: sequences per (micro-)batch x length' }),
  FSDFM_MAX_TRAIN_STEPS: Type.Integer({ minimum: 1, default: 10_000_000, description: 'Most optimiser steps of one training job' }),
  FSDFM_MAX_BODY_BYTES: Type.Integer({ minimum: 1024, default: 1_048_576, description: 'Largest JSON request body; larger texts go through POST /v1/uploads' }),
  FSDFM_MAX_UPLOAD_BYTES: Type.Integer({ minimum: 1, default: 1_073_741_824, description: 'Largest upload (POST /v1/uploads), streamed to disk' }),
  FSDFM_REDIS_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 5000, description: 'A Redis call made for the api gives up after this long; submissions never wait on Redis' }),
  FSDFM_RECONCILE_MS: Type.Integer({ minimum: 200, maximum: 3_600_000, default: 60_000, description: 'How often the api compares the store with the queues and re-adds what Redis lost (also at start and when Redis reconnects)' }),
  FSDFM_STOP_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 30_000, description: 'SIGTERM: how long a worker waits for its job to checkpoint and stop before it kills Python and hands the job back' }),
  FSDFM_WORKER_MODE: Type.Union([Type.Literal('local'), Type.Literal('slurm')], {
    default: 'local',
    description: 'Worker: local runs jobs in its own Python on its own GPUs; slurm submits each job to Slurm (sbatch/srun) and follows it (`fsdfm worker --slurm`; needs the artifact directory on a disk the cluster nodes share)',
  }),
  FSDFM_SLURM_PARTITIONS: Type.String({ default: '', pattern: '^$|^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$', description: 'Partitions a job may ask for (`spec.slurm.partition`); the first is the default. Empty: any, default the cluster’s' }),
  FSDFM_SLURM_MAX_NODES: Type.Integer({ minimum: 1, maximum: 1024, default: 1, description: 'Most nodes one job may span (`spec.slurm.nodes`)' }),
  FSDFM_SLURM_GPUS_PER_NODE: Type.Integer({ minimum: 0, maximum: 64, default: 0, description: 'GPUs of a Slurm node: a job gets at most this many per node (its gpus / nodes); 0: CPU jobs only' }),
  FSDFM_SLURM_MAX_CPU_RANKS: Type.Integer({ minimum: 1, maximum: 64, default: 4, description: 'Most gloo ranks per node of a CPU job (`spec.slurm.ranksPerNode` with gpus 0)' }),
  FSDFM_SLURM_DEFAULT_MINUTES: Type.Integer({ minimum: 1, maximum: 525_600, default: 60, description: 'Time limit of a Slurm submission when the job names none' }),
  FSDFM_SLURM_MAX_MINUTES: Type.Integer({ minimum: 1, maximum: 525_600, default: 1440, description: 'Longest time limit a job may ask for (`spec.slurm.timeLimitMinutes`)' }),
  FSDFM_SLURM_MAX_JOBS: Type.Integer({ minimum: 1, maximum: 1000, default: 16, description: 'Jobs a Slurm worker follows at once, per queue (each is a Slurm job on the cluster; Slurm decides when it runs)' }),
  FSDFM_SLURM_MAX_RESUBMITS: Type.Integer({ minimum: 0, maximum: 100, default: 3, description: 'Times a Slurm job stopped by preemption, its time limit or a node failure is submitted again (training jobs resume from their checkpoint) before it fails' }),
  FSDFM_AUTH: Type.Union([Type.Literal('on'), Type.Literal('off')], {
    default: 'off',
    description: 'on: every /v1 request needs `Authorization: Bearer <token>` (docs: Running it for a team). off: no identities, only allowed when the api listens on a loopback address',
  }),
  FSDFM_ADMIN_TOKEN: Type.String({ default: '', description: 'With FSDFM_AUTH=on: a superuser token to create at start if no token exists (unattended deployments); empty: a random one is printed once' }),
  FSDFM_ADMIN_TOKEN_FILE: Type.String({ default: '', description: 'Like FSDFM_ADMIN_TOKEN, read from this file (a mounted secret)' }),
  FSDFM_CORS_ORIGINS: Type.String({ default: '', description: 'Comma-separated origins (e.g. https://dash.lab.org) allowed to call the api from a browser; empty: CORS off' }),
  FSDFM_RATE_LIMIT: Type.Integer({ minimum: 0, default: 1200, description: 'Requests per minute per token (per address without one), per api process; 0: no limit' }),
  FSDFM_ARTIFACT_RETENTION_DAYS: Type.Number({ minimum: 0, default: 0, description: 'Delete the artifacts of jobs finished this many days ago (the job rows stay); 0: keep them' }),
  FSDFM_WEBHOOK_BACKOFF_MS: Type.Integer({ minimum: 10, maximum: 3_600_000, default: 10_000, description: 'Webhooks: wait before the first retry of a failed delivery; each later retry waits twice as long (at most an hour)' }),
  FSDFM_WEBHOOK_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 50, default: 10, description: 'Webhooks: attempts of one delivery before it is marked failed (POST …/deliveries/{id}/redeliver sends it again)' }),
  FSDFM_WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'Webhooks: how long one delivery attempt waits for the receiver to answer' }),
  FSDFM_COMMIT: Type.String({ default: '', description: 'The git commit of this code where it is not a git checkout (an image built with --build-arg FSDFM_COMMIT=$(git rev-parse HEAD)); recorded in each job’s provenance. Empty: asked of git' }),
  FSDFM_LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info', description: 'Log level' }),
  FSDFM_LOG_FORMAT: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], {
    default: 'auto',
    description: 'Log lines on stdout: json (one object a line: level, time, msg, component, and jobId/attempt or reqId where they concern a job or a request) or pretty (for people). auto: pretty on a terminal, json when stdout is not a terminal or inside a container',
  }),
  FSDFM_HEARTBEAT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000, description: 'How often a worker tells the store it is alive, with its current jobs and device memory and utilisation; silent for three of its heartbeats, it is shown as lost' }),
})
export type RawConfig = Static<typeof ConfigSchema>

export interface Config extends RawConfig {
  /** Absolute paths, resolved once. */
  dataDir: string
  artifactDir: string
  /** Inputs fetched from the api, by sha256 (FSDFM_ARTIFACTS=remote). */
  artifactCache: string
  inputRoot: string
  workerName: string
  gpuList: number[]
  /** FSDFM_CPU_MEMORY_GIB, or this machine's memory when that is 0. */
  cpuMemoryGiB: number
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
    this.name = 'ConfigError'
  }
}

/** Builds the configuration from the environment plus overrides (CLI flags), or throws ConfigError naming each bad variable. */
export function loadConfig(overrides: Partial<Record<keyof RawConfig, string | number>> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, unknown> = {}
  for (const key of Object.keys(ConfigSchema.properties)) {
    const v = overrides[key as keyof RawConfig] ?? env[key]
    if (v !== undefined && v !== '') input[key] = v
  }
  const converted = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, input))
  const errors = [...Value.Errors(ConfigSchema, converted)]
  if (errors.length > 0) {
    throw new ConfigError(errors.map((e) => `${e.instancePath.replace(/^\//, '') || '(root)'}: ${e.message} (got ${JSON.stringify(Value.Pointer.Get(converted as object, e.instancePath))})`))
  }
  const raw = converted as RawConfig
  if (raw.FSDFM_ARTIFACTS === 'remote' && !raw.FSDFM_API_URL) throw new ConfigError(['FSDFM_API_URL: must name the api when FSDFM_ARTIFACTS=remote (got "")'])
  const dataDir = resolve(raw.FSDFM_DATA_DIR)
  const abs = (p: string, fallback: string) => (p ? (isAbsolute(p) ? p : resolve(p)) : fallback)
  return {
    ...raw,
    dataDir,
    artifactDir: abs(raw.FSDFM_ARTIFACT_DIR, join(dataDir, 'artifacts')),
    artifactCache: abs(raw.FSDFM_ARTIFACT_CACHE, join(dataDir, 'artifact-cache')),
    inputRoot: abs(raw.FSDFM_INPUT_ROOT, join(dataDir, 'inputs')),
    workerName: raw.FSDFM_WORKER_NAME || `${hostname()}-${process.pid}`,
    gpuList: raw.FSDFM_GPUS ? raw.FSDFM_GPUS.split(',').map(Number) : [],
    cpuMemoryGiB: raw.FSDFM_CPU_MEMORY_GIB || totalmem() / 2 ** 30,
  }
}

/** The interpreter pythonia should spawn: Debian's python3 has python3-torch; a pyenv python3 first on PATH often has no torch. */
export function resolvePythonBin(configured: string): string {
  if (configured) return configured
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    if (candidate.startsWith('/') && !existsSync(candidate)) continue
    try {
      execFileSync(candidate, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 })
      return candidate
    } catch {
      // try the next one
    }
  }
  return 'python3'
}
