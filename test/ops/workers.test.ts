// GET /v1/workers against a real `fsdfm worker` process: it registers its Node, Python, torch and
// CUDA versions and its device, shows the job it runs while it runs it, and turns `lost` soon
// after it is SIGKILLed (it heartbeats every 300 ms here; lost after three silent heartbeats).
// Then what a GPU worker's heartbeat carries, as /v1/workers and /metrics show it, and the
// parsing of nvidia-smi's answer.
import { execFile, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { totalmem } from 'node:os'
import { promisify } from 'node:util'
import t from 'tap'
import type { WorkerView } from '../../src/schemas/views.ts'
import { mergeGpus, parseNvidiaSmi } from '../../src/worker/devices.ts'
import { eventually, isolate, startTestService } from '../helpers.ts'
import { spawnFsdfm } from '../faults/procs.ts'

const run = promisify(execFile)
const iso = isolate(t, { FSDFM_LOCK_MS: '3000' })
const svc = await startTestService(t, { role: 'api', iso })
const { api, store } = svc

const workers = async () => (await api.get<{ items: WorkerView[] }>('/v1/workers')).body.items
const named = async (name: string) => (await workers()).find((w) => w.name === name)

t.test('a worker process: its versions, its current job, lost after SIGKILL', async (t) => {
  const name = `ops-worker-${randomBytes(3).toString('hex')}`
  const proc = spawnFsdfm(t, 'worker', { ...iso.env, FSDFM_WORKER_NAME: name, FSDFM_HEARTBEAT_MS: '300' })
  const py = process.env.PYTHON_BIN || '/usr/bin/python3'
  const [python, torch, cuda] = execFileSync(py, ['-c', 'import platform, torch; print(platform.python_version(), torch.__version__, torch.version.cuda)'], { encoding: 'utf8' }).trim().split(' ')

  const w = await eventually(() => named(name), (v) => v?.status === 'live', 120_000)
  if (!w) throw new Error(`the worker did not register:\n${proc.output.slice(-3000)}`)
  t.strictSame(w.versions, { node: process.version, python, torch, cuda: cuda === 'None' ? null : cuda }, 'the versions it runs')
  t.strictSame(w.queues, ['data', 'cpu'])
  t.equal(w.heartbeatMs, 300)
  t.equal(w.live, true)
  t.strictSame(w.jobs, [], 'no job yet')
  t.equal(w.devices.length, 1)
  t.match(w.devices[0], { kind: 'cpu', index: null, memoryTotalBytes: totalmem(), memoryUsedBytes: null, memoryReservedBytes: null, utilizationPercent: null }, 'its CPU: the host’s memory, nothing GPU')

  const dataset = await api.waitFor((await api.submit({ kind: 'dataset', spec: { source: 'brown', maxDocuments: 20, compactVocab: 128 } })).id)
  t.equal(dataset.state, 'succeeded')
  const job = await api.submit({ kind: 'pretrain', spec: { datasetJobId: dataset.id, steps: 100_000, seqLen: 16, batchSize: 4, checkpointEvery: 1000, logEvery: 100, warmupSteps: 2 } })
  const running = await eventually(() => named(name), (v) => !!v?.jobs.some((j) => j.id === job.id), 120_000)
  const current = running?.jobs.find((j) => j.id === job.id)
  t.match(current, { id: job.id, kind: 'pretrain', attempt: 1 }, 'it runs the pretrain job')
  t.ok(Date.parse(current!.startedAt) >= Date.parse(job.createdAt), 'since it took it')
  t.equal((await api.get(`/v1/jobs/${job.id}`)).body.worker, name, 'the job names the worker too')
  const cli = await run(process.execPath, ['bin/fsdfm.js', 'workers', '--url', svc.baseUrl!], { encoding: 'utf8', env: { ...process.env, FSDFM_CONFIG: '/nonexistent/fsdfm.json' } })
  const row = cli.stdout.split('\n').find((l) => l.startsWith(name))
  t.match(row, new RegExp(`^${name}\\s+live\\s+data,cpu\\s+${job.id.slice(0, 8)} pretrain#1\\s+cpu, [\\d.]+ GiB\\s+torch ${torch.replace(/[.+]/g, '\\$&')}`), '`fsdfm workers` shows it live, running the job')
  const seen = Date.parse(running!.heartbeatAt)
  const later = await eventually(() => named(name), (v) => !!v && Date.parse(v.heartbeatAt) > seen, 10_000)
  t.ok(Date.parse(later!.heartbeatAt) > seen, 'it keeps heartbeating: last seen moves on')

  proc.child.kill('SIGKILL')
  await proc.exited
  const lost = await eventually(() => named(name), (v) => v?.status === 'lost', 15_000)
  t.equal(lost?.status, 'lost', 'silent past three heartbeats: lost')
  t.equal(lost?.live, false)
  t.equal(lost?.stoppedAt, null, 'it never said it stopped')
  t.ok(lost?.jobs.some((j) => j.id === job.id), 'and what it ran when it was last seen')
  const metrics = await (await fetch(`${svc.baseUrl}/metrics`)).text()
  t.match(metrics, new RegExp(`^fsdfm_worker_live\\{worker="${name}",host="[^"]+"\\} 0$`, 'm'), 'Prometheus sees it down')
})

t.test('a GPU worker’s heartbeat: devices in /v1/workers, memory and utilisation gauges', async (t) => {
  const name = `gpu-box-${randomBytes(3).toString('hex')}`
  await store.workers.register({ name, host: 'elsewhere', queues: ['data', 'gpu2'], gpus: 2, memoryBytes: 80 * 2 ** 30, info: { node: 'v24.1.0', python: '3.12.3', torch: '2.9.0', cuda: '12.8' } })
  const gpu = (index: number, used: number | null, util: number | null) => ({ kind: 'cuda', index, name: 'NVIDIA H200', memoryTotalBytes: 150 * 2 ** 30, memoryUsedBytes: used, memoryReservedBytes: 0, utilizationPercent: util })
  await store.workers.heartbeat(name, { jobs: [], devices: [gpu(1, 40 * 2 ** 30, 37), gpu(2, null, null)] })
  const w = await named(name)
  t.equal(w?.status, 'live')
  t.strictSame(w?.versions, { node: 'v24.1.0', python: '3.12.3', torch: '2.9.0', cuda: '12.8' })
  t.strictSame(w?.devices.map((d) => [d.index, d.memoryUsedBytes, d.utilizationPercent]), [[1, 40 * 2 ** 30, 37], [2, null, null]])
  const metrics = await (await fetch(`${svc.baseUrl}/metrics`)).text()
  const series = (metric: string) => [...metrics.matchAll(new RegExp(`^${metric}\\{worker="${name}",host="elsewhere",gpu="(\\d+)"\\} (\\S+)$`, 'gm'))].map((m) => [m[1], Number(m[2])])
  t.strictSame(series('fsdfm_worker_gpu_utilization_percent'), [['1', 37]], 'utilisation of the GPU that reported one')
  t.strictSame(series('fsdfm_worker_gpu_memory_used_bytes'), [['1', 40 * 2 ** 30]], 'memory in use where known')
  t.strictSame(series('fsdfm_worker_gpu_memory_total_bytes'), [['1', 150 * 2 ** 30], ['2', 150 * 2 ** 30]], 'memory of each GPU')
  t.notMatch(metrics, /^fsdfm_worker_gpu_\w+\{worker="ops-worker/m, 'none for a CPU worker')
  await store.workers.stopped(name)
  t.equal((await named(name))?.status, 'stopped', 'a worker that shut down is stopped, not lost')
  t.notMatch(await (await fetch(`${svc.baseUrl}/metrics`)).text(), new RegExp(`fsdfm_worker_gpu_\\w+\\{worker="${name}"`), 'and its GPUs are no longer reported')
})

t.test('nvidia-smi’s answer, merged with what PyTorch saw', async (t) => {
  const smi = parseNvidiaSmi('1, 37, 40960, 143771\n2, [N/A], [N/A], 143771\n\n')
  t.strictSame(smi, [
    { index: 1, utilizationPercent: 37, memoryUsedBytes: 40960 * 2 ** 20, memoryTotalBytes: 143771 * 2 ** 20 },
    { index: 2, utilizationPercent: null, memoryUsedBytes: null, memoryTotalBytes: 143771 * 2 ** 20 },
  ])
  // The worker owns GPUs 1 and 2 of its machine: PyTorch numbers them 0 and 1.
  const merged = mergeGpus([1, 2], [{ index: 0, name: 'NVIDIA H200', memoryTotalBytes: 150e9, memoryUsedBytes: 42e9, memoryReservedBytes: 2e9 }, { index: 1, name: 'NVIDIA H200', memoryTotalBytes: 150e9, memoryUsedBytes: null, memoryReservedBytes: 0 }], smi)
  t.strictSame(merged.map((d) => [d.index, d.memoryUsedBytes, d.memoryReservedBytes, d.utilizationPercent]), [[1, 42e9, 2e9, 37], [2, null, 0, null]], 'PyTorch’s memory first, nvidia-smi’s utilisation, by machine index')
  t.strictSame(mergeGpus([0], null, null)[0], { kind: 'cuda', index: 0, name: 'GPU', memoryTotalBytes: null, memoryUsedBytes: null, memoryReservedBytes: null, utilizationPercent: null }, 'neither answered: unknown, not zero')
})
