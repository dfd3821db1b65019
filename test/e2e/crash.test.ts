// A worker process killed with SIGKILL mid-training: its job is taken up again by another
// worker, resumes from its last checkpoint, never runs twice at once, and succeeds with
// every step counted once.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import t from 'tap'
import { isolate, startTestService } from '../helpers.ts'
import type { JobView } from '../../src/schemas/views.ts'

const iso = isolate(t, { FSDFM_LOCK_MS: '3000' })
const svc = await startTestService(t, { role: 'api', iso })
const { api } = svc

function startWorker(name: string): ChildProcess {
  const child = spawn(process.execPath, ['bin/fsdfm.js', 'worker'], {
    env: { ...process.env, ...iso.env, FSDFM_WORKER_NAME: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  child.on('exit', (code, signal) => {
    if (code && code !== 0) console.error(`worker ${name} exited ${code} ${signal}:\n${out.slice(-3000)}`)
  })
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  return child
}

const pythonChildren = (pid: number): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').filter(Boolean).map(Number)
  } catch {
    return []
  }
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

t.test('kill -9 of a worker mid-run ends in a resumed, succeeded job', async (t) => {
  const first = startWorker('first')
  const dataset = await api.waitFor((await api.submit({ kind: 'dataset', spec: { source: 'brown', maxDocuments: 20, compactVocab: 128 } })).id)
  t.equal(dataset.state, 'succeeded')
  const spec = { datasetJobId: dataset.id, steps: 120, seqLen: 16, batchSize: 4, checkpointEvery: 10, logEvery: 1, warmupSteps: 2 }
  const job = await api.submit({ kind: 'pretrain', spec })
  let seen: JobView | null = null
  for (let i = 0; i < 600; i++) {
    seen = (await api.get(`/v1/jobs/${job.id}`)).body
    if ((seen!.progress?.step ?? 0) >= 25) break
    await new Promise((r) => setTimeout(r, 100))
  }
  t.equal(seen!.worker, 'first')
  const pythons = pythonChildren(first.pid!)
  t.ok(pythons.length >= 1, 'the worker owns a Python process')
  first.kill('SIGKILL')
  const killedAt = (seen!.progress?.step as number) ?? 0

  // Its orphaned Python process notices the lost channel and exits: the job cannot run twice.
  for (let i = 0; i < 100 && pythons.some(alive); i++) await new Promise((r) => setTimeout(r, 100))
  t.notOk(pythons.some(alive), 'the dead worker’s Python process is gone')

  startWorker('second')
  const done = await api.waitFor(job.id, undefined, 180_000)
  t.equal(done.state, 'succeeded', JSON.stringify(done.error))
  t.equal(done.worker, 'second')
  t.equal(done.attempt, 2, 'started twice: once per worker')
  t.match(done.result, { finalStep: 120 })

  const logs = (await svc.store.events.since(0, { jobId: job.id, limit: 1000 })).filter((e) => e.type === 'log').map((e) => (e.data as { line: string }).line)
  const resumed = logs.map((l) => /resumed from .* at step (\d+)/.exec(l)).find(Boolean)
  t.ok(resumed, 'the second attempt resumed from a checkpoint')
  const resumedStep = Number(resumed![1])
  t.ok(resumedStep % 10 === 0 && resumedStep >= 20, `resumed at checkpoint step ${resumedStep}`)
  t.ok(killedAt - resumedStep <= 10 + 5, `at most one checkpoint interval lost (killed near ${killedAt}, resumed at ${resumedStep})`)

  const loss = (await api.get(`/v1/jobs/${job.id}/metrics?name=train/loss`)).body.series[0].points as { step: number }[]
  const steps = loss.map((p) => p.step)
  t.strictSame(steps, Array.from({ length: 120 }, (_, i) => i + 1), 'each step recorded exactly once, 1..120')
  const states = (await svc.store.events.since(0, { jobId: job.id, limit: 1000 })).filter((e) => e.type === 'state').map((e) => (e.data as { to: string }).to)
  t.strictSame(states, ['queued', 'running', 'running', 'succeeded'])
})
