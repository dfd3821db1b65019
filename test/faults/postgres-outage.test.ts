// Fault drill: PostgreSQL stops for 10 s while a pretrain runs. The worker's Python keeps
// training through it, the worker holds what it must write, and once the store is back the job
// ends succeeded with its result and every metric step recorded once. Meanwhile the api stays
// alive, says it is not ready, and answers requests that need the store with 503 (no hang).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { isolate, startTestService } from '../helpers.ts'
import { PrivatePostgres, sleep } from './procs.ts'

const cluster = await PrivatePostgres.start(t)
const skip = typeof cluster === 'string' ? `needs a private PostgreSQL cluster: ${cluster}` : false

t.test('a 10 s PostgreSQL stop mid-run: the job still succeeds with its result', { skip }, async (t) => {
  const pg = cluster as PrivatePostgres
  const iso = isolate(t, { DATABASE_URL: pg.url, FSDFM_LOCK_MS: '3000' })
  const svc = await startTestService(t, { role: 'up', iso })
  const { api } = svc
  const dataset = await api.waitFor((await api.submit({ kind: 'dataset', spec: { source: 'brown', maxDocuments: 20, compactVocab: 128 } })).id)
  t.equal(dataset.state, 'succeeded')
  const steps = 400
  const job = await api.submit({ kind: 'pretrain', spec: { datasetJobId: dataset.id, steps, seqLen: 16, batchSize: 4, checkpointEvery: 50, logEvery: 1, warmupSteps: 2 } })
  for (let i = 0; i < 600; i++) {
    if (((await api.get(`/v1/jobs/${job.id}`)).body.progress?.step ?? 0) >= 20) break
    await sleep(100)
  }

  await pg.stop()
  const stoppedAt = Date.now() / 1000
  const health = await api.get('/health')
  t.equal(health.status, 200, 'alive during the outage')
  const ready = await api.get('/ready')
  t.equal(ready.status, 503)
  t.match(ready.body, { ready: false, store: { ok: false }, queue: { ok: true } })
  const read = await api.get(`/v1/jobs/${job.id}`)
  t.equal(read.status, 503, 'a read that needs the store fails fast')
  t.equal(read.body.error.code, 'store_unavailable')
  t.ok(read.headers.get('retry-after'), 'with Retry-After')
  await sleep(10_000)
  await pg.resume()
  const resumedAt = Date.now() / 1000

  const done = await api.waitFor(job.id, undefined, 180_000)
  t.equal(done.state, 'succeeded', JSON.stringify(done.error))
  t.equal(done.attempt, 1, 'the same attempt: nothing was taken over')
  t.match(done.result, { finalStep: steps, checkpoint: String })
  const names = (await api.get(`/v1/jobs/${job.id}/artifacts`)).body.items.map((a: { name: string }) => a.name)
  t.ok(names.includes('checkpoint.pt'), 'artifacts registered')

  // Python trained on while the store was away (its own record of each step, with times).
  const lines = readFileSync(join(iso.dataDir, 'artifacts', 'jobs', job.id, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  const during = lines.filter((l) => l.name === 'train/loss' && l.at > stoppedAt && l.at < resumedAt)
  t.ok(during.length > 0, `${during.length} steps trained during the outage`)
  const recorded = (await api.get(`/v1/jobs/${job.id}/metrics?name=train/loss`)).body.series[0].points.map((p: { step: number }) => p.step)
  t.strictSame(recorded, Array.from({ length: steps }, (_, i) => i + 1), 'every step recorded once, the outage included')
})
