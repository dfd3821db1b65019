// A job's provenance (src/schemas/provenance.ts): the parts fixed for a worker's life are
// read once at its start; the job's own parts (seed, attempt) are added when it takes a job.
import { execFileSync } from 'node:child_process'
import { readFileSync, realpathSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Provenance } from '../schemas/provenance.ts'
import type { Job } from '../store/types.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim()
  } catch {
    return null // not a checkout, or no git on this machine
  }
}

/** The code that runs here: package version, and the commit and whether tracked files differ from it. */
export function codeVersion(commitFromEnv: string): Provenance['code'] {
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
  if (commitFromEnv) return { version, commit: commitFromEnv, dirty: null }
  // Only inside a checkout of this repository (not one that merely contains it).
  const top = git(['rev-parse', '--show-toplevel'])
  const commit = top !== null && realpathSync(top) === realpathSync(ROOT) ? git(['rev-parse', 'HEAD']) : null
  if (!commit) return { version, commit: null, dirty: null }
  const status = git(['status', '--porcelain', '--untracked-files=no'])
  return { version, commit, dirty: status === null ? null : status.length > 0 }
}

export type WorkerProvenance = Omit<Provenance, 'seed' | 'attempt' | 'at'>

export interface PythonFacts {
  python?: string | null
  torch: string
  cudaVersion?: string | null
  deviceName?: string | null
}

export function workerProvenance(o: { commit: string; worker: string; device: string; gpus: number; python: PythonFacts }): WorkerProvenance {
  const gpu = o.device === 'cuda' ? `cuda: ${o.python.deviceName ?? 'GPU'}${o.gpus > 1 ? ` x${o.gpus}` : ''}` : 'cpu'
  return {
    code: codeVersion(o.commit),
    node: process.version,
    python: o.python.python ?? null,
    torch: o.python.torch,
    cuda: o.python.cudaVersion ?? null,
    device: gpu,
    host: hostname(),
    worker: o.worker,
  }
}

/** The provenance of the attempt of `job` this worker is starting now. */
export function jobProvenance(base: WorkerProvenance, job: Job, device: string): Provenance {
  const seed = 'seed' in job.spec && typeof job.spec.seed === 'number' ? job.spec.seed : null
  // Dataset jobs run on the CPU even on a GPU worker; a worker that hands jobs to a cluster
  // (Slurm) runs on a CPU itself, while the job's ranks get the GPUs it asked for.
  const ran = device === 'cpu' ? 'cpu' : base.device.startsWith('cuda') ? base.device : `${device}${job.gpus > 1 ? ` x${job.gpus}` : ''}`
  return { ...base, device: ran, seed, attempt: job.attempt, at: new Date().toISOString() }
}
