// What a worker's devices hold now, sampled at each heartbeat: for GPUs, PyTorch's view through
// the bridge (total memory, memory in use, what its allocator reserves) merged with nvidia-smi's
// (utilisation, and memory in use where PyTorch cannot tell without creating a context); for a
// CPU worker, the host's memory and nothing sampled.
import { execFile } from 'node:child_process'
import { cpus, totalmem } from 'node:os'
import type { WorkerDevice } from '../schemas/views.ts'
import type { PythonDevices } from './runtime-api.ts'

const MIB = 2 ** 20

/** One GPU as nvidia-smi reports it. */
export interface SmiGpu {
  index: number
  utilizationPercent: number | null
  memoryUsedBytes: number | null
  memoryTotalBytes: number | null
}

/** nvidia-smi's fields; `[N/A]` or `[Not Supported]` (some GPUs, MIG slices) read as null. */
export const SMI_QUERY = ['index', 'utilization.gpu', 'memory.used', 'memory.total']

const num = (field: string | undefined): number | null => {
  const v = Number(field?.trim())
  return field !== undefined && field.trim() !== '' && Number.isFinite(v) ? v : null
}

/** Parses `nvidia-smi --query-gpu=index,utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(text: string): SmiGpu[] {
  const gpus: SmiGpu[] = []
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    const [index, util, used, total] = line.split(',')
    const i = num(index)
    if (i === null) continue
    const mib = (v: string | undefined) => {
      const n = num(v)
      return n === null ? null : n * MIB
    }
    gpus.push({ index: i, utilizationPercent: num(util), memoryUsedBytes: mib(used), memoryTotalBytes: mib(total) })
  }
  return gpus
}

/** Runs nvidia-smi for these GPU indices; null where the binary is missing or fails. */
export function queryNvidiaSmi(indices: number[], timeoutMs = 5000): Promise<SmiGpu[] | null> {
  const args = [`--query-gpu=${SMI_QUERY.join(',')}`, '--format=csv,noheader,nounits', ...(indices.length ? ['-i', indices.join(',')] : [])]
  return new Promise((resolve) => {
    execFile('nvidia-smi', args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout) => resolve(err ? null : parseNvidiaSmi(stdout)))
  })
}

/**
 * The GPUs a worker owns (`gpuList`: its FSDFM_GPUS, in CUDA_VISIBLE_DEVICES order), from what
 * Python saw (indices 0..n-1 of the visible devices) and nvidia-smi (indices of the machine).
 */
export function mergeGpus(gpuList: number[], python: PythonDevices | null, smi: SmiGpu[] | null): WorkerDevice[] {
  return gpuList.map((machineIndex, visible) => {
    const p = python?.find((d) => d.index === visible) ?? null
    const s = smi?.find((d) => d.index === machineIndex) ?? null
    return {
      kind: 'cuda',
      index: machineIndex,
      name: p?.name ?? 'GPU',
      memoryTotalBytes: p?.memoryTotalBytes ?? s?.memoryTotalBytes ?? null,
      memoryUsedBytes: p?.memoryUsedBytes ?? s?.memoryUsedBytes ?? null,
      memoryReservedBytes: p?.memoryReservedBytes ?? null,
      utilizationPercent: s?.utilizationPercent ?? null,
    }
  })
}

/** A CPU worker's one device: the host, with nothing sampled. */
export function cpuDevice(): WorkerDevice {
  return {
    kind: 'cpu',
    index: null,
    name: cpus()[0]?.model?.trim() || 'cpu',
    memoryTotalBytes: totalmem(),
    memoryUsedBytes: null,
    memoryReservedBytes: null,
    utilizationPercent: null,
  }
}
