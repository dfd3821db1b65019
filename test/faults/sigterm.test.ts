// Fault drill: routine restarts. A worker stopped with SIGTERM checkpoints its job and hands it
// back to the queue without counting an attempt; three restarts during one pretrain cost only
// the steps since each checkpoint, and the job ends succeeded on attempt 1. Under `fsdfm up` the
// api keeps answering while the worker stops.
import t from 'tap'
import type { JobView } from '../../src/schemas/views.ts'
import { Api, isolate, startTestService } from '../helpers.ts'
import { sleep, spawnFsdfm, type Proc } from './procs.ts'

const dataset = async (api: Api) => api.waitFor((await api.submit({ kind: 'dataset', spec: { source: 'brown', maxDocuments: 20, compactVocab: 128 } })).id)
async function untilStep(api: Api, id: string, step: number): Promise<JobView> {
  for (;;) {
    const job = (await api.get<JobView>(`/v1/jobs/${id}`)).body
    if (job.state !== 'queued' && job.state !== 'running') return job
    if (job.state === 'running' && Number(job.progress?.step ?? 0) >= step) return job
    await sleep(100)
  }
}
/** Stops a process with SIGTERM and says how it ended; a docker stop would SIGKILL it after 10 s. */
async function stop(proc: Proc): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const start = Date.now()
  proc.child.kill('SIGTERM')
  const kill = setTimeout(() => proc.child.kill('SIGKILL'), 10_000)
  const end = await proc.exited
  clearTimeout(kill)
  return { ...end, ms: Date.now() - start }
}

t.test('three SIGTERM restarts during one pretrain: succeeded, attempt count unchanged', async (t) => {
  const iso = isolate(t, { FSDFM_LOCK_MS: '3000', FSDFM_STOP_TIMEOUT_MS: '8000' })
  const { api, store } = await startTestService(t, { role: 'api', iso })
  let worker = spawnFsdfm(t, 'worker', { ...iso.env, FSDFM_WORKER_NAME: 'w0' })
  const data = await dataset(api)
  const steps = 300
  const job = await api.submit({ kind: 'pretrain', spec: { datasetJobId: data.id, steps, seqLen: 16, batchSize: 4, checkpointEvery: 10, logEvery: 1, warmupSteps: 2 } })
  for (let i = 1; i <= 3; i++) {
    const seen = await untilStep(api, job.id, 40 * i)
    t.equal(seen.state, 'running', `restart ${i}: the job runs`)
    const end = await stop(worker)
    t.strictSame({ code: end.code, signal: end.signal }, { code: 0, signal: null }, `restart ${i}: the worker stopped on its own (in ${end.ms} ms), before a SIGKILL`)
    const back = (await api.get<JobView>(`/v1/jobs/${job.id}`)).body
    t.equal(back.state, 'queued', `restart ${i}: the job is back on the queue`)
    t.equal(back.attempt, 0, `restart ${i}: the hand-back did not count as an attempt`)
    worker = spawnFsdfm(t, 'worker', { ...iso.env, FSDFM_WORKER_NAME: `w${i}` })
  }
  const done = await api.waitFor(job.id, undefined, 180_000)
  t.equal(done.state, 'succeeded', JSON.stringify(done.error))
  t.equal(done.attempt, 1, 'attempt 1: restarts are not failures')
  t.equal(done.worker, 'w3')
  t.match(done.result, { finalStep: steps })
  const events = await store.events.since(0, { jobId: job.id, limit: 1000 })
  const resumes = events.filter((e) => e.type === 'log' && /resumed from .* at step \d+/.test((e.data as { line: string }).line))
  t.equal(resumes.length, 3, 'resumed from a checkpoint after each restart')
  const states = events.filter((e) => e.type === 'state').map((e) => (e.data as { to: string }).to)
  t.strictSame(states, ['queued', 'running', 'queued', 'running', 'queued', 'running', 'queued', 'running', 'succeeded'])
  const recorded = (await api.get(`/v1/jobs/${job.id}/metrics?name=train/loss`)).body.series[0].points.map((p: { step: number }) => p.step)
  t.strictSame(recorded, Array.from({ length: steps }, (_, i) => i + 1), 'each step recorded once')
})

t.test('fsdfm up: the api answers until its worker has handed its job back', async (t) => {
  const iso = isolate(t, { FSDFM_LOCK_MS: '3000', FSDFM_STOP_TIMEOUT_MS: '8000', FSDFM_PORT: '0' })
  const up = spawnFsdfm(t, 'up', { ...iso.env })
  await up.waitFor(/api: (http:\/\/\S+)/)
  const api = new Api(/api: (http:\/\/\S+)/.exec(up.output)![1])
  const data = await dataset(api)
  const job = await api.submit({ kind: 'pretrain', spec: { datasetJobId: data.id, steps: 100_000, seqLen: 16, batchSize: 4, checkpointEvery: 25, logEvery: 5, warmupSteps: 2 } })
  await untilStep(api, job.id, 30)
  up.child.kill('SIGTERM')
  let answered = 0
  while (up.running) {
    const res = await api.get(`/v1/jobs/${job.id}`).catch(() => null)
    if (!res) break
    t.equal(res.status, 200)
    answered++
    await sleep(20)
  }
  const end = await up.exited
  t.equal(end.code, 0, 'exited cleanly')
  t.ok(answered > 0, `the api answered ${answered} reads while the worker stopped`)
  t.match(up.output, /handed back/, 'the worker handed its job back')
  // Read the store directly: the api is gone.
  const { store } = await startTestService(t, { role: 'api', iso: { ...iso, env: { ...iso.env, FSDFM_PORT: '0' } } })
  const row = await store.jobs.get(job.id)
  t.equal(row?.state, 'queued', 'queued again, to resume on the next start')
  t.equal(row?.attempt, 0)
})
