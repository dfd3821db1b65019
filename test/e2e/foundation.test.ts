// Issue 2's end-to-end path: POST a sample job -> store -> BullMQ -> worker -> pythonia ->
// PyTorch -> token ids -> decoded text -> GET shows queued -> running -> succeeded.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { startTestService, tinySample } from '../helpers.ts'

const svc = await startTestService(t)
const { api } = svc

t.test('a sample job runs end to end through the real parts', async (t) => {
  const created = await api.submit({ ...tinySample(), tags: ['e2e'] })
  t.equal(created.state, 'queued')
  t.match(created.spec, { solver: 'cumulative_scalar', temperature: 1, steps: 4 }, 'schema defaults are filled in')
  const job = await api.waitFor(created.id)
  t.equal(job.state, 'succeeded', JSON.stringify(job.error))
  t.ok(job.startedAt && job.finishedAt && job.createdAt <= job.startedAt! && job.startedAt! <= job.finishedAt!, 'timestamps in order')
  t.equal(job.attempt, 1)
  t.equal(job.device, 'cpu')
  const samples = (job.result as { samples: { text: string; tokens: number[] }[] }).samples
  t.equal(samples.length, 2)
  for (const s of samples) {
    t.equal(s.tokens.length, 16)
    t.ok(s.tokens.every((id) => Number.isInteger(id) && id >= 0 && id < 50257), 'GPT-2 token ids, no mask left')
    t.type(s.text, 'string')
    t.ok(s.text.length > 0)
  }
  const events = (await svc.store.events.since(0, { jobId: created.id })).filter((e) => e.type === 'state').map((e) => (e.data as { to: string }).to)
  t.strictSame(events, ['queued', 'running', 'succeeded'])
  const artifacts = await api.get(`/v1/jobs/${created.id}/artifacts`)
  t.ok(artifacts.body.items.some((a: { name: string }) => a.name === 'samples.txt'))
  const download = await api.get(`/v1/jobs/${created.id}/artifacts/samples.txt`)
  t.equal(download.status, 200)
  t.ok(String(download.body).includes(samples[0].text.slice(0, 10)))
})

t.test('a Python exception fails the job with its message; the same worker runs the next job', async (t) => {
  // A finished pretrain job whose checkpoint file is garbage: torch.load raises inside Python.
  const bad = join(svc.iso.dataDir, 'garbage.pt')
  writeFileSync(bad, 'this is not a checkpoint')
  const fake = await svc.store.jobs.create({ kind: 'pretrain', spec: { seqLen: 16, modelType: 'teacher' } })
  await svc.store.jobs.transition(fake.id, ['queued'], 'running')
  await svc.store.jobs.transition(fake.id, ['running'], 'succeeded', { result: { checkpoint: bad, seqLen: 16 } })

  const failed = await api.waitFor((await api.submit({ kind: 'sample', spec: { checkpointJobId: fake.id, steps: 2, count: 1, seqLen: 16 } })).id)
  t.equal(failed.state, 'failed')
  t.equal(failed.error?.code, 'python_error')
  t.match(failed.error?.message, /Error/, 'the Python exception type is in the message')
  t.match(failed.error?.frame, /\.py:\d+/, 'the last Python frame is reported')

  const next = await api.waitFor((await api.submit(tinySample())).id)
  t.equal(next.state, 'succeeded', 'the worker and its Python process stay usable')
  t.equal(svc.worker!.bridge.restartCount, 0, 'no restart was needed')
})

t.test('a dead Python process is detected and restarted', async (t) => {
  const before = svc.worker!.bridge.pid
  svc.worker!.bridge.kill('SIGKILL')
  await new Promise((r) => setTimeout(r, 300))
  const job = await api.waitFor((await api.submit(tinySample())).id)
  t.equal(job.state, 'succeeded', JSON.stringify(job.error))
  t.equal(svc.worker!.bridge.restartCount, 1)
  t.not(svc.worker!.bridge.pid, before, 'a new interpreter')

  // Killed in the middle of a job: that job fails, saying so, and the next one runs.
  const long = await api.submit(tinySample({ steps: 2000, count: 64, batchSize: 8, seqLen: 64 }))
  await api.waitFor(long.id, ['running'])
  await new Promise((r) => setTimeout(r, 500))
  svc.worker!.bridge.kill('SIGKILL')
  const died = await api.waitFor(long.id)
  t.equal(died.state, 'failed')
  t.equal(died.error?.code, 'python_died')
  const after = await api.waitFor((await api.submit(tinySample())).id)
  t.equal(after.state, 'succeeded')
})

t.test('health reports the parts', async (t) => {
  const res = await api.get('/health')
  t.equal(res.status, 200)
  t.match(res.body, { status: 'ok', store: 'postgres', workers: [{ python: { torch: String } }] })
})
