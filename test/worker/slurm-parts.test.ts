// The Slurm worker's parts that need no cluster: what a job may ask (the api's 400s and the
// worker's own check), the allocation it becomes, and following rank 0's report file while it
// is being written. The worker against a real Slurm: test/slurm/.
import { spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/config.ts'
import type { FieldProblem } from '../../src/errors.ts'
import { checkSlurm, slurmLimits, slurmPlacement } from '../../src/jobs/slurm-limits.ts'
import { ReportFollower } from '../../src/worker/slurm/report.ts'
import { batchScript, sbatchArgs } from '../../src/worker/slurm/script.ts'

const limits = slurmLimits(loadConfig({ FSDFM_SLURM_MAX_NODES: 4, FSDFM_SLURM_GPUS_PER_NODE: 8, FSDFM_SLURM_PARTITIONS: 'gpu,debug', FSDFM_SLURM_MAX_MINUTES: 600 }, {}))
const problems = (kind: Parameters<typeof checkSlurm>[0], gpus: number, spec: Parameters<typeof checkSlurm>[2]) => {
  const out: FieldProblem[] = []
  checkSlurm(kind, gpus, spec, limits, out)
  return out
}

t.test('what a job may ask', async (t) => {
  t.strictSame(problems('pretrain', 16, { nodes: 2, partition: 'gpu', timeLimitMinutes: 600 }), [], '2 nodes x 8 GPUs within the limits')
  t.match(problems('pretrain', 6, { nodes: 4 }), [{ path: '/spec/slurm/nodes', message: /cannot be split evenly/ }])
  t.match(problems('pretrain', 16, { nodes: 1 }), [{ path: '/spec/slurm/nodes', message: /16 GPUs per node .* have 8 .*FSDFM_SLURM_GPUS_PER_NODE/ }])
  t.match(problems('pretrain', 8, { nodes: 8 }), [{ path: '/spec/slurm/nodes', message: /at most 4 .*FSDFM_SLURM_MAX_NODES/ }])
  t.match(problems('pretrain', 8, { nodes: 2, ranksPerNode: 2 }), [{ path: '/spec/slurm/ranksPerNode', message: /one rank per GPU: 4 per node/ }])
  t.match(problems('pretrain', 0, { nodes: 1, ranksPerNode: 5 }), [{ path: '/spec/slurm/ranksPerNode', message: /at most 4 CPU ranks/ }])
  t.match(problems('sample', 2, { nodes: 1 }), [{ path: '/spec/slurm/ranksPerNode', message: /a sample job runs as one process/ }])
  t.match(problems('evaluate', 0, { nodes: 2 }), [{ path: '/spec/slurm/nodes', message: /an evaluate job runs as one process/ }])
  t.match(problems('pretrain', 0, { nodes: 1, partition: 'long' }), [{ path: '/spec/slurm/partition', message: 'must be one of gpu, debug (FSDFM_SLURM_PARTITIONS)' }])
  t.match(problems('pretrain', 0, { nodes: 1, timeLimitMinutes: 601 }), [{ path: '/spec/slurm/timeLimitMinutes', message: /at most 600/ }])
})

t.test('the allocation a job gets', async (t) => {
  t.strictSame(slurmPlacement(8, { nodes: 2 }, limits), { nodes: 2, gpusPerNode: 4, ranksPerNode: 4, partition: 'gpu', minutes: 60 }, 'GPUs split over the nodes, the first partition by default')
  t.strictSame(slurmPlacement(0, { nodes: 1, ranksPerNode: 2, partition: 'debug', timeLimitMinutes: 5 }, limits), { nodes: 1, gpusPerNode: 0, ranksPerNode: 2, partition: 'debug', minutes: 5 })
  const args = sbatchArgs({ name: 'fsdfm-x', workDir: '/shared/jobs/x', placement: slurmPlacement(8, { nodes: 2 }, limits) })
  for (const flag of ['--nodes=2', '--ntasks-per-node=4', '--gpus-per-node=4', '--partition=gpu', '--time=60', '--job-name=fsdfm-x', '--no-requeue']) t.ok(args.includes(flag), flag)
  t.notOk(sbatchArgs({ name: 'n', workDir: '/w', placement: slurmPlacement(0, undefined, slurmLimits(loadConfig({}, {}))) }).some((a) => a.startsWith('--gpus') || a.startsWith('--partition')), 'a CPU job on the default partition asks for neither')
  const script = batchScript({ workDir: "/shared/it's here", fence: 7, pythonBin: '/usr/bin/python3', pythonPath: '/app/python', specFile: '/shared/spec.json' })
  t.match(script, /if \[ "\$\(cat \.slurm-fence 2>\/dev\/null\)" != "7" \]/, 'a superseded attempt does not run')
  t.match(script, /cd '\/shared\/it'\\''s here'/, 'paths are quoted for bash')
  t.match(script, /MASTER_ADDR=\$\(scontrol show hostnames "\$SLURM_JOB_NODELIST" \| head -n 1\)/)
  t.match(script, /RANK=\$SLURM_PROCID WORLD_SIZE=\$SLURM_NTASKS LOCAL_RANK=\$SLURM_LOCALID/)
})

t.test('a submission of a superseded attempt exits before it starts anything', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fsdfm-fence-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  // Attempt 8 holds the job now; attempt 7's script runs late (it was queued in Slurm).
  writeFileSync(join(dir, '.slurm-fence'), '8')
  const script = join(dir, 'batch.sh')
  writeFileSync(script, batchScript({ workDir: dir, fence: 7, pythonBin: '/usr/bin/python3', pythonPath: '/nowhere', specFile: join(dir, 'spec.json') }))
  const run = spawnSync('bash', [script], { encoding: 'utf8', env: { ...process.env, PATH: '/usr/bin:/bin', SLURM_JOB_NODELIST: 'n1', SLURM_JOB_ID: '1' } })
  t.equal(run.status, 0)
  t.match(run.stdout, /attempt 7 was superseded; not running/)
  t.notMatch(run.stdout, /rendezvous/, 'it stopped before launching ranks')
  t.notOk(existsSync(join(dir, 'slurm-1-rank0.out')))
})

t.test("rank 0's report is read line by line as it grows", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fsdfm-report-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'rank0.out')
  const follower = new ReportFollower(file)
  t.strictSame(follower.read().metrics, [], 'no file yet')
  appendFileSync(file, '{"t": "metric", "name": "train/loss", "step": 5, "value": 2.5}\nsome library noise\n{"t": "log", "line": "step 5/10"}\n{"t": "progress", "progre')
  const first = follower.read()
  t.strictSame(first.metrics, [{ name: 'train/loss', step: 5, value: 2.5 }])
  t.strictSame(first.logs, ['step 5/10'])
  t.equal(first.progress, null, 'a line still being written waits')
  appendFileSync(file, 'ss": {"step": 5, "total": 10}}\n{"t": "result", "result": {"finalStep": 10}}\n')
  const second = follower.read()
  t.strictSame(second.progress, { step: 5, total: 10 })
  t.strictSame(second.result, { finalStep: 10 })
  t.strictSame(second.metrics, [], 'nothing is read twice')
})

t.test('a GPU job handed to Slurm records the GPUs it asked for, not the CPU of the worker that handed it over', async (t) => {
  const { jobProvenance, workerProvenance } = await import('../../src/worker/provenance.ts')
  const base = workerProvenance({ commit: 'abc', worker: 'slurm-1', device: 'cpu', gpus: 0, python: { python: '3.11', torch: '2.4', cudaVersion: '12.4', deviceName: 'slurm' } })
  const job = { kind: 'pretrain', gpus: 4, attempt: 1, spec: { seed: 3 } } as never
  t.equal(jobProvenance(base, job, 'cuda').device, 'cuda x4')
  t.equal(jobProvenance(base, job, 'cpu').device, 'cpu')
  const gpuBase = workerProvenance({ commit: 'abc', worker: 'gpu-1', device: 'cuda', gpus: 1, python: { python: '3.11', torch: '2.4', cudaVersion: '12.4', deviceName: 'H100' } })
  t.equal(jobProvenance(gpuBase, job, 'cuda').device, 'cuda: H100', 'a worker running the job itself names its GPU')
})
