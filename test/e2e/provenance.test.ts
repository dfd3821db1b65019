// Provenance, rerun and resume (issue 16) on the real parts: what ran each job is recorded on
// it; a rerun repeats a job's spec as a new job; a cancelled training job resumes from its
// checkpoint as a new attempt and ends with every step trained and recorded once.
import { execFileSync } from 'node:child_process'
import { hostname } from 'node:os'
import t from 'tap'
import { startTestService, tinySample } from '../helpers.ts'

const svc = await startTestService(t)
const { api } = svc
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

t.test('a finished job says what ran it', async (t) => {
  const job = await api.waitFor((await api.submit(tinySample({ seed: 7 }))).id)
  t.equal(job.state, 'succeeded', JSON.stringify(job.error))
  const p = job.provenance!
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim()
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim().length > 0
  t.strictSame(p.code, { version: '0.1.0', commit: head, dirty }, 'the commit of this checkout, and whether it was modified')
  t.equal(p.node, process.version)
  t.match(p.python, /^3\.\d+\.\d+$/)
  t.match(p.torch, /^\d+\.\d+/)
  t.equal(p.cuda, null, 'a CPU build of torch has no CUDA version')
  t.equal(p.device, 'cpu')
  t.equal(p.host, hostname())
  t.equal(p.worker, job.worker)
  t.equal(p.seed, 7)
  t.equal(p.attempt, 1)
  t.ok(Date.parse(p.at) >= Date.parse(job.startedAt!) - 1000)
  const queued = await api.submit(tinySample())
  t.equal(queued.provenance, null, 'nothing ran a job that has not started')
})

t.test('a rerun is a new job with the same spec, linked to the old one, and the same seeded samples', async (t) => {
  const first = await api.waitFor((await api.submit({ ...tinySample({ seed: 3 }), name: 'original', tags: ['a'] })).id)
  const res = await api.post(`/v1/jobs/${first.id}/rerun`)
  t.equal(res.status, 201)
  t.equal(res.headers.get('location'), `/v1/jobs/${res.body.id}`)
  t.not(res.body.id, first.id)
  t.match(res.body, { rerunOf: first.id, name: 'original', tags: ['a'], kind: 'sample', state: 'queued', priority: first.priority })
  t.strictSame(res.body.spec, first.spec)
  const second = await api.waitFor(res.body.id)
  t.equal(second.state, 'succeeded')
  const texts = (j: typeof first) => (j.result as { samples: { text: string }[] }).samples.map((s) => s.text)
  t.strictSame(texts(second), texts(first), 'same spec, same seed: the same samples')

  // With an Idempotency-Key a retried rerun gets the first rerun; another job's rerun with the same key is its own.
  const key = { 'idempotency-key': `rerun-${Date.now()}` }
  const a = await api.request('POST', `/v1/jobs/${first.id}/rerun`, key)
  const b = await api.request('POST', `/v1/jobs/${first.id}/rerun`, key)
  t.strictSame([a.status, b.status], [201, 200])
  t.equal(b.body.id, a.body.id)
  const c = await api.request('POST', `/v1/jobs/${second.id}/rerun`, key)
  t.equal(c.status, 201)
  t.equal(c.body.rerunOf, second.id)
  t.equal((await api.post('/v1/jobs/00000000-0000-4000-8000-000000000000/rerun')).status, 404)
})

t.test('a cancelled pretrain resumes from its checkpoint as a new attempt; each step trained once', async (t) => {
  const dataset = await api.waitFor((await api.submit({ kind: 'dataset', spec: { source: 'brown', maxDocuments: 20, compactVocab: 128 } })).id)
  const steps = 200
  const job = await api.submit({ kind: 'pretrain', spec: { datasetJobId: dataset.id, steps, seqLen: 16, batchSize: 4, checkpointEvery: 1000, logEvery: 1, warmupSteps: 2, seed: 5 } })
  for (let i = 0; i < 1200 && ((await api.get(`/v1/jobs/${job.id}`)).body.progress?.step ?? 0) < 20; i++) await sleep(100)
  await api.post(`/v1/jobs/${job.id}/cancel`)
  const cancelled = await api.waitFor(job.id)
  t.equal(cancelled.state, 'cancelled')
  const stoppedAt = cancelled.progress!.step!
  t.ok(stoppedAt < steps, `stopped at step ${stoppedAt} of ${steps}`)

  const res = await api.post(`/v1/jobs/${job.id}/resume`)
  t.equal(res.status, 202, JSON.stringify(res.body))
  t.match(res.body, { id: job.id, state: 'queued', error: null, result: null, finishedAt: null })
  const done = await api.waitFor(job.id)
  t.equal(done.state, 'succeeded', JSON.stringify(done.error))
  t.equal(done.attempt, 2, 'a new attempt of the same job')
  t.equal(done.provenance!.attempt, 2, 'the provenance describes the attempt that finished it')
  t.equal(done.progress!.step, steps)
  const log = String((await api.get(`/v1/jobs/${job.id}/logs`)).body)
  t.match(log, new RegExp(`resumed from .*checkpoint\\.pt at step ${stoppedAt}`), 'it continued from the checkpoint the cancel wrote')
  const recorded = (await api.get(`/v1/jobs/${job.id}/metrics?name=train/loss`)).body.series[0].points.map((p: { step: number }) => p.step)
  t.strictSame(recorded, Array.from({ length: steps }, (_, i) => i + 1), 'each step recorded once')
  const { rows } = await svc.store.db.query<{ data: { from: string | null; to: string; reason?: string } }>(`select data from job_events where job_id = $1 and type = 'state' order by id`, [job.id])
  const states = rows.map(({ data }) => `${data.from ?? ''}>${data.to}${data.reason ? ` (${data.reason})` : ''}`)
  t.strictSame(states, ['>queued', 'queued>running', 'running>cancelling', 'cancelling>cancelled', 'cancelled>queued (resumed)', 'queued>running', 'running>succeeded'])

  t.test('what does not resume: 409 not_resumable, saying why', async (t) => {
    const again = await api.post(`/v1/jobs/${job.id}/resume`)
    t.equal(again.status, 409)
    t.match(again.body.error, { code: 'not_resumable', message: /it is succeeded/ })
    const sample = await api.waitFor((await api.submit(tinySample())).id)
    t.match((await api.post(`/v1/jobs/${sample.id}/resume`)).body.error, { code: 'not_resumable', message: /only pretrain and distill/ })
    // Cancelled before it ever ran: no checkpoint to continue from.
    const blocker = await api.submit({ kind: 'pretrain', spec: { datasetJobId: dataset.id, steps: 100_000, seqLen: 16, batchSize: 4 } })
    await api.waitFor(blocker.id, ['running'])
    const never = await api.submit({ kind: 'pretrain', spec: { datasetJobId: dataset.id, steps: 10, seqLen: 16, batchSize: 4 } })
    await api.post(`/v1/jobs/${never.id}/cancel`)
    await api.post(`/v1/jobs/${blocker.id}/cancel`)
    const refused = await api.post(`/v1/jobs/${never.id}/resume`)
    t.equal(refused.status, 409)
    t.match(refused.body.error.message, /left no checkpoint/)
    t.equal((await api.get(`/v1/jobs/${never.id}`)).body.state, 'cancelled', 'and nothing changed')
    await api.waitFor(blocker.id)
  })
})
