// The Slurm worker against a real single-node Slurm (scripts/slurm-local.sh: Debian's slurm-wlm
// and munge on localhost). Runs as its own CI step (scripts/test.sh), not with the other tests:
// it needs root to start the daemons. The cases run side by side (the time-limit case waits
// on Slurm's once-a-minute limit check): a 2-rank gloo pretrain through sbatch/srun to success,
// a cancel through scancel, an attempt clearing what an earlier one left on the cluster, and a
// job killed by its time limit resumed from its checkpoint.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { jobDir, ownCheckpoint } from '../../src/jobs/paths.ts'
import { eventually, startTestService } from '../helpers.ts'

const setup = spawnSync('bash', ['scripts/slurm-local.sh'], { encoding: 'utf8', timeout: 600_000 })
if (setup.status !== 0) {
  t.comment(`Slurm is not available here, so the Slurm worker's tests are skipped: ${setup.stderr.trim()}`)
  t.pass('skipped: no Slurm')
  process.exit(0)
}
process.env.SLURM_CONF = setup.stdout.trim().split('\n').at(-1)!

const svc = await startTestService(t, { env: { FSDFM_WORKER_MODE: 'slurm', FSDFM_SLURM_MAX_CPU_RANKS: '2', FSDFM_SLURM_MAX_RESUBMITS: '2' } })
const { api } = svc
const artifactDir = join(svc.iso.dataDir, 'artifacts')
const squeue = (id: string) => execFileSync('squeue', ['-h', '-t', 'all', '-j', id, '-o', '%T'], { encoding: 'utf8' }).trim()
const log = async (id: string): Promise<string> => (await api.request('GET', `/v1/jobs/${id}/logs`)).body as string
/** Slurm job ids of a job's submissions, from its log. */
const slurmIds = async (id: string): Promise<string[]> => [...(await log(id)).matchAll(/slurm job (\d+) submitted/g)].map((m) => m[1])

const dataset = await api.waitFor((await api.submit({ kind: 'dataset', spec: { source: 'brown', maxDocuments: 40, compactVocab: 256 } })).id)
t.equal(dataset.state, 'succeeded', 'the dataset (built by the worker itself) is ready')
const train = { datasetJobId: dataset.id, batchSize: 4, seqLen: 32, lr: 0.003, warmupSteps: 0, logEvery: 5 }

t.test('refused at the door: what the cluster limits do not allow', async (t) => {
  const res = await api.post('/v1/jobs', { kind: 'pretrain', spec: { ...train, steps: 10, slurm: { ranksPerNode: 3 } } })
  t.equal(res.status, 400)
  t.match(res.body.error.details, [{ path: '/spec/slurm/ranksPerNode', message: /at most 2 .*FSDFM_SLURM_MAX_CPU_RANKS/ }])
  const sample = await api.post('/v1/jobs', { kind: 'sample', spec: { model: { preset: 'tiny' }, steps: 2, seqLen: 16, slurm: { nodes: 2 } } })
  t.equal(sample.status, 400)
  t.match(sample.body.error.details, [{ path: '/spec/slurm/nodes' }])
})

t.test('cases on the cluster', async (t) => {
  // Side by side: the time-limit case spends most of its time waiting for Slurm's limit check.
  t.jobs = 4
  await Promise.all([
    t.test('a 2-rank gloo pretrain through sbatch/srun succeeds', async (t) => {
      const job = await api.submit({ kind: 'pretrain', spec: { ...train, steps: 20, slurm: { ranksPerNode: 2, timeLimitMinutes: 5 } } })
      const done = await api.waitFor(job.id)
      t.equal(done.state, 'succeeded', JSON.stringify(done.error))
      const [slurmId] = await slurmIds(job.id)
      t.equal(squeue(slurmId), 'COMPLETED', 'Slurm saw the job complete')
      const dir = jobDir(artifactDir, job.id)
      t.match(readFileSync(join(dir, `slurm-${slurmId}.out`), 'utf8'), /2 rank\(s\) on 1 node\(s\)/, 'srun launched two ranks')
      t.ok(existsSync(join(dir, `slurm-${slurmId}-rank1.out`)), 'rank 1 ran as a task of its own')
      t.ok(existsSync(ownCheckpoint(artifactDir, job.id)), 'the checkpoint is in the job directory')
      t.equal(done.result?.finalStep, 20)
      const metrics = (await api.get(`/v1/jobs/${job.id}/metrics?name=train/loss`)).body
      t.strictSame(metrics.series[0].points.map((p: { step: number }) => p.step), [5, 10, 15, 20], 'rank 0 metrics relayed into the store')
      const artifacts = (await api.get(`/v1/jobs/${job.id}/artifacts`)).body.items.map((a: { name: string }) => a.name)
      t.ok(artifacts.includes('checkpoint.pt') && artifacts.includes('log.txt'), `artifacts registered: ${artifacts}`)
    }),
    t.test('a cancel reaches Slurm as scancel', async (t) => {
      const job = await api.submit({ kind: 'pretrain', spec: { ...train, steps: 1_000_000, slurm: { timeLimitMinutes: 10 } } })
      await eventually(() => log(job.id), (l) => /RUNNING/.test(l) && /step \d+/.test(l), 120_000)
      t.equal((await api.post(`/v1/jobs/${job.id}/cancel`)).status, 202)
      const done = await api.waitFor(job.id, undefined, 60_000)
      t.equal(done.state, 'cancelled')
      const [slurmId] = await slurmIds(job.id)
      t.equal(squeue(slurmId), 'CANCELLED', 'the Slurm job was cancelled')
    }),
    t.test('an attempt first cancels the Slurm job an earlier attempt left running', async (t) => {
      // The earlier attempt's Slurm job is stood in for by one of the same name, started while
      // the queue is paused (a worker that died leaves such a job behind).
      t.equal((await api.post('/v1/queues/cpu/pause')).status, 200)
      const job = await api.submit({ kind: 'pretrain', spec: { ...train, steps: 10, slurm: { timeLimitMinutes: 5 } } })
      const leftover = execFileSync('sbatch', ['--parsable', `--job-name=fsdfm-${job.id}`, '--time=5', '--output=/dev/null', '--wrap', 'sleep 300'], { encoding: 'utf8' }).trim()
      await eventually(async () => squeue(leftover), (s) => s === 'RUNNING', 60_000)
      t.equal((await api.post('/v1/queues/cpu/resume')).status, 200)
      const done = await api.waitFor(job.id)
      t.equal(done.state, 'succeeded', JSON.stringify(done.error))
      t.equal(squeue(leftover), 'CANCELLED', 'the leftover was cancelled')
      const [own] = await slurmIds(job.id)
      const times = (id: string, fmt: string) => execFileSync('squeue', ['-h', '-t', 'all', '-j', id, '-o', fmt], { encoding: 'utf8' }).trim()
      t.ok(times(leftover, '%e') <= times(own, '%S'), `the leftover ended (${times(leftover, '%e')}) before this attempt's job started (${times(own, '%S')})`)
    }),
    t.test('a job killed by its time limit resumes from its checkpoint', async (t) => {
      const job = await api.submit({ kind: 'pretrain', spec: { ...train, steps: 80, checkpointEvery: 5, slurm: { timeLimitMinutes: 1 } } })
      const checkpoint = ownCheckpoint(artifactDir, job.id)
      await eventually(async () => existsSync(checkpoint), (ok) => ok, 120_000)
      // Freeze the ranks once a checkpoint exists, so that however fast this machine trains,
      // the first submission is still running when Slurm's one-minute limit ends it.
      const [first] = await slurmIds(job.id)
      const pids = execFileSync('scontrol', ['listpids', first], { encoding: 'utf8' }).split('\n').slice(1).map((l) => Number(l.trim().split(/\s+/)[0])).filter((p) => p > 0)
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGSTOP')
        } catch {
          // already gone
        }
      }
      const done = await api.waitFor(job.id, undefined, 240_000)
      t.equal(done.state, 'succeeded', JSON.stringify(done.error))
      t.equal(squeue(first), 'TIMEOUT', 'Slurm ended the first submission at its time limit')
      const ids = await slurmIds(job.id)
      t.equal(ids.length, 2, 'submitted once more')
      const text = await log(job.id)
      t.match(text, new RegExp(`slurm job ${first} ended TIMEOUT.*submitting again from the checkpoint`))
      t.match(text, new RegExp(`slurm job ${ids[1]} submitted: .*resuming from the checkpoint`))
      t.equal(done.result?.finalStep, 80)
      const firstSteps = readFileSync(join(jobDir(artifactDir, job.id), `slurm-${ids[1]}-rank0.out`), 'utf8').match(/"step": (\d+)/)
      t.ok(firstSteps && Number(firstSteps[1]) > 5, `the second submission started past step 5 (first metric at step ${firstSteps?.[1]})`)
    }),
  ])
})
