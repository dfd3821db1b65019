// What a job may ask of a Slurm cluster (`spec.slurm`), checked at the door against the
// deployment's FSDFM_SLURM_* settings, and how a Slurm worker turns the request into an
// allocation: one definition for the api's 400s and the worker's sbatch flags.
import type { Config } from '../config.ts'
import type { FieldProblem } from '../errors.ts'
import type { JobKind, SlurmSpec } from '../schemas/jobs.ts'

export interface SlurmLimits {
  maxNodes: number
  /** GPUs of one node (0: CPU only). */
  gpusPerNode: number
  maxCpuRanks: number
  /** Allowed partitions, the first the default; empty: any. */
  partitions: string[]
  defaultMinutes: number
  maxMinutes: number
}

export function slurmLimits(config: Config): SlurmLimits {
  return {
    maxNodes: config.FSDFM_SLURM_MAX_NODES,
    gpusPerNode: config.FSDFM_SLURM_GPUS_PER_NODE,
    maxCpuRanks: config.FSDFM_SLURM_MAX_CPU_RANKS,
    partitions: config.FSDFM_SLURM_PARTITIONS ? config.FSDFM_SLURM_PARTITIONS.split(',') : [],
    defaultMinutes: config.FSDFM_SLURM_DEFAULT_MINUTES,
    maxMinutes: config.FSDFM_SLURM_MAX_MINUTES,
  }
}

/** Only training runs as several data-parallel ranks; the other kinds are one process. */
const MULTI_RANK_KINDS: readonly JobKind[] = ['pretrain', 'distill']

/** The allocation a job gets: nodes, ranks (and GPUs) per node, partition, minutes. */
export interface SlurmPlacement {
  nodes: number
  ranksPerNode: number
  gpusPerNode: number
  partition: string | null
  minutes: number
}

export function slurmPlacement(gpus: number, spec: SlurmSpec | undefined, limits: SlurmLimits): SlurmPlacement {
  const nodes = spec?.nodes ?? 1
  const gpusPerNode = gpus > 0 ? gpus / nodes : 0
  return {
    nodes,
    gpusPerNode,
    ranksPerNode: gpus > 0 ? gpusPerNode : (spec?.ranksPerNode ?? 1),
    partition: spec?.partition ?? limits.partitions[0] ?? null,
    minutes: spec?.timeLimitMinutes ?? limits.defaultMinutes,
  }
}

/** Adds a problem (path under /spec/slurm) for each thing the request asks that the cluster cannot give. */
export function checkSlurm(kind: JobKind, gpus: number, spec: SlurmSpec, limits: SlurmLimits | undefined, problems: FieldProblem[]): void {
  const nodes = spec.nodes ?? 1
  const path = (f: string) => `/spec/slurm/${f}`
  if (gpus > 0 && gpus % nodes !== 0) problems.push({ path: path('nodes'), message: `${gpus} GPUs cannot be split evenly over ${nodes} nodes; gpus must be a multiple of nodes` })
  if (gpus > 0 && spec.ranksPerNode !== undefined && spec.ranksPerNode * nodes !== gpus)
    problems.push({ path: path('ranksPerNode'), message: `a GPU job runs one rank per GPU: ${gpus / nodes} per node (gpus / nodes); omit ranksPerNode` })
  const ranks = gpus > 0 ? gpus : nodes * (spec.ranksPerNode ?? 1)
  if (ranks > 1 && !MULTI_RANK_KINDS.includes(kind)) problems.push({ path: path(nodes > 1 ? 'nodes' : 'ranksPerNode'), message: `a${/^[aeiou]/.test(kind) ? 'n' : ''} ${kind} job runs as one process; only pretrain and distill run as several ranks` })
  if (!limits) return
  if (nodes > limits.maxNodes) problems.push({ path: path('nodes'), message: `at most ${limits.maxNodes} (FSDFM_SLURM_MAX_NODES)` })
  if (gpus > 0 && gpus % nodes === 0 && gpus / nodes > limits.gpusPerNode)
    problems.push({ path: path('nodes'), message: `${gpus / nodes} GPUs per node (gpus / nodes) but Slurm nodes have ${limits.gpusPerNode} (FSDFM_SLURM_GPUS_PER_NODE); spread the job over more nodes` })
  if (gpus === 0 && (spec.ranksPerNode ?? 1) > limits.maxCpuRanks) problems.push({ path: path('ranksPerNode'), message: `at most ${limits.maxCpuRanks} CPU ranks per node (FSDFM_SLURM_MAX_CPU_RANKS)` })
  if (spec.partition !== undefined && limits.partitions.length > 0 && !limits.partitions.includes(spec.partition))
    problems.push({ path: path('partition'), message: `must be one of ${limits.partitions.join(', ')} (FSDFM_SLURM_PARTITIONS)` })
  if (spec.timeLimitMinutes !== undefined && spec.timeLimitMinutes > limits.maxMinutes) problems.push({ path: path('timeLimitMinutes'), message: `at most ${limits.maxMinutes} (FSDFM_SLURM_MAX_MINUTES)` })
}
