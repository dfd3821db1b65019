// Fault drill: a worker is paused (SIGSTOP) past its lease in the middle of a pretrain. Its
// Python, which keeps running while the Node process is stopped, must stop on its own before the
// lease ends; a second worker takes the job over and finishes it. Python's own record of every
// step (metrics.jsonl: time, process, attempt) shows the two runs never overlapped, and when the
// paused worker wakes up the store refuses everything it tries to write.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { isolate, startTestService } from '../helpers.ts'
import { sleep, spawnFsdfm } from './procs.ts'

t.test('a worker paused past its lease never overlaps with the takeover', async (t) => {
  // A lease long enough that a loaded CI machine's pauses do not cut the second worker's runs short.
  const iso = isolate(t, { FSDFM_LOCK_MS: '4000' })
  const svc = await startTestService(t, { role: 'api', iso })
  const { api } = svc
  const first = spawnFsdfm(t, 'worker', { ...iso.env, FSDFM_WORKER_NAME: 'first' })
  await first.waitFor(/ready: queues/)
  const dataset = await api.waitFor((await api.submit({ kind: 'dataset', spec: { source: 'brown', maxDocuments: 20, compactVocab: 128 } })).id)
  const steps = 300
  const job = await api.submit({ kind: 'pretrain', spec: { datasetJobId: dataset.id, steps, seqLen: 16, batchSize: 4, checkpointEvery: 20, logEvery: 1, warmupSteps: 2 } })
  for (let i = 0; i < 600; i++) {
    const seen = (await api.get(`/v1/jobs/${job.id}`)).body
    if ((seen.progress?.step ?? 0) >= 30) break
    await sleep(100)
  }
  first.child.kill('SIGSTOP')
  const second = spawnFsdfm(t, 'worker', { ...iso.env, FSDFM_WORKER_NAME: 'second' })
  const done = await api.waitFor(job.id, undefined, 180_000).catch(async (err) => {
    // Say what each side was doing, so a failure can be understood from the log alone.
    t.comment(`job: ${JSON.stringify((await api.get(`/v1/jobs/${job.id}`)).body)}`)
    t.comment(`first worker:\n${first.output.slice(-3000)}`)
    t.comment(`second worker:\n${second.output.slice(-3000)}`)
    throw err
  })
  t.equal(done.state, 'succeeded', JSON.stringify(done.error))
  t.equal(done.worker, 'second', 'the second worker took it over')
  t.equal(done.attempt, 2)

  first.child.kill('SIGCONT')
  await first.waitFor(/a newer attempt holds it|attempt superseded/, 60_000)
  const after = (await api.get(`/v1/jobs/${job.id}`)).body
  t.strictSame({ state: after.state, worker: after.worker, attempt: after.attempt, result: after.result, finishedAt: after.finishedAt }, { state: done.state, worker: done.worker, attempt: done.attempt, result: done.result, finishedAt: done.finishedAt }, 'the woken worker changed nothing')

  // Python's side: one process per attempt, and the first stopped before the second began.
  const workDir = join(iso.dataDir, 'artifacts', 'jobs', job.id)
  const lines = readFileSync(join(workDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { at: number; pid: number; attempt: number; name: string; step: number })
  const byAttempt = new Map<number, typeof lines>()
  for (const l of lines) byAttempt.set(l.attempt, [...(byAttempt.get(l.attempt) ?? []), l])
  t.strictSame([...byAttempt.keys()].sort(), [1, 2], 'two attempts trained')
  const [a, b] = [byAttempt.get(1)!, byAttempt.get(2)!]
  t.equal(new Set(a.map((l) => l.pid)).size, 1)
  t.not(a[0].pid, b[0].pid, 'in two Python processes')
  const lastOfFirst = Math.max(...a.map((l) => l.at))
  const firstOfSecond = Math.min(...b.map((l) => l.at))
  t.ok(lastOfFirst < firstOfSecond, `the first attempt's last step (${lastOfFirst}) came before the second's first (${firstOfSecond})`)

  // The stored result and artifact describe the file on disk, written by the finishing attempt.
  const artifact = (await api.get(`/v1/jobs/${job.id}/artifacts`)).body.items.find((x: { name: string }) => x.name === 'checkpoint.pt')
  const onDisk = createHash('sha256').update(readFileSync(join(workDir, 'checkpoint.pt'))).digest('hex')
  t.equal(artifact.sha256, onDisk, 'the registered hash is the checkpoint on disk')
  const recorded = (await api.get(`/v1/jobs/${job.id}/metrics?name=train/loss`)).body.series[0].points.map((p: { step: number }) => p.step)
  t.strictSame(recorded, Array.from({ length: steps }, (_, i) => i + 1), 'each step recorded once')
  t.ok(second.running)
})
