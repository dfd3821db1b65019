// The jobs resource without a worker: validation (400 names each bad field, nothing stored or
// enqueued), listing, reading, and cancelling a job that has not started.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { bullPriority } from '../../src/jobs/dispatcher.ts'
import { eventually, startTestService } from '../helpers.ts'

const svc = await startTestService(t, { role: 'api' })
const { api, store, queues } = svc

async function countAll(): Promise<{ rows: number; queued: number }> {
  const { rows } = await store.db.query<{ n: string }>('select count(*) as n from jobs')
  let queued = 0
  for (const name of ['data', 'cpu', 'gpu1', 'gpu2'] as const) queued += await queues.get(name).count()
  return { rows: Number(rows[0].n), queued }
}

async function finishedJob(kind: 'dataset' | 'pretrain' | 'distill', spec: Record<string, unknown>, result: Record<string, unknown>) {
  const job = await store.jobs.create({ kind, spec })
  await store.jobs.transition(job.id, ['queued'], 'running')
  return (await store.jobs.transition(job.id, ['running'], 'succeeded', { result }))!
}

t.test('invalid specs get 400 naming each field, and nothing is stored or enqueued', async (t) => {
  const dataset = await finishedJob('dataset', { source: 'brown' }, { vocabSize: 100 })
  const noCkpt = await finishedJob('pretrain', { modelType: 'teacher', datasetJobId: dataset.id }, { vocabSize: 100 })
  const arm = await finishedJob('pretrain', { modelType: 'arm', datasetJobId: dataset.id }, { vocabSize: 100, checkpoint: '/x.pt' })
  const otherVocab = await finishedJob('pretrain', { modelType: 'teacher', datasetJobId: dataset.id }, { vocabSize: 200, checkpoint: '/y.pt' })
  const before = await countAll()

  const cases: [string, unknown, string[]][] = [
    ['step sizes that do not sum to 1', { kind: 'sample', spec: { stepSizes: [0.5, 0.25] } }, ['/spec/stepSizes']],
    ['a zero step size', { kind: 'sample', spec: { stepSizes: [0, 1] } }, ['/spec/stepSizes/0']],
    ['an unknown field and a bad type', { kind: 'sample', spec: { steps: 'many', colour: 'red' } }, ['/spec/steps', '/spec/colour']],
    ['an unknown kind', { kind: 'bake', spec: {} }, ['/kind']],
    ['a missing required reference', { kind: 'pretrain', spec: {} }, ['/spec/datasetJobId']],
    ['a teacher job with no checkpoint', { kind: 'distill', spec: { datasetJobId: dataset.id, teacherJobId: noCkpt.id } }, ['/spec/teacherJobId']],
    ['an ARM as the teacher', { kind: 'distill', spec: { datasetJobId: dataset.id, teacherJobId: arm.id } }, ['/spec/teacherJobId']],
    ['a vocabulary that does not match the dataset', { kind: 'distill', spec: { datasetJobId: dataset.id, teacherJobId: otherVocab.id } }, ['/spec/teacherJobId']],
    ['a job that does not exist', { kind: 'pretrain', spec: { datasetJobId: randomUUID() } }, ['/spec/datasetJobId']],
    ['a dataset job where a model is expected', { kind: 'sample', spec: { checkpointJobId: dataset.id } }, ['/spec/checkpointJobId']],
    ['a model too large for a CPU job', { kind: 'pretrain', spec: { datasetJobId: dataset.id, model: { preset: '1.7B' } } }, ['/spec/model']],
    ['a model too large for the GPUs asked for', { kind: 'pretrain', gpus: 1, spec: { datasetJobId: dataset.id, model: { preset: '1.7B', hidden: 8192 } } }, ['/spec/model']],
    ['an upload with no text', { kind: 'dataset', spec: { source: 'upload' } }, ['/spec/text']],
    ['a path outside the input root', { kind: 'dataset', spec: { source: 'path', path: '../../etc/passwd' } }, ['/spec/path']],
    ['an infill template without holes', { kind: 'sample', spec: { infill: 'no holes here' } }, ['/spec/infill']],
    ['several problems at once', { kind: 'sample', spec: { stepSizes: [0.3, 0.3], temperature: -1, count: 0 } }, ['/spec/temperature', '/spec/count']],
    [
      'evaluate names that are not evaluated models and budgets',
      {
        kind: 'evaluate',
        spec: {
          datasetJobId: dataset.id,
          models: [{ name: 'teacher', jobId: otherVocab.id }],
          stepBudgets: [8],
          matchEntropy: { model: 'teacher', target: 'student', targetSteps: 16 },
          comparisons: [{ a: 'teacher@8', b: 'teacher@1024' }],
        },
      },
      ['/spec/matchEntropy/target', '/spec/matchEntropy/targetSteps', '/spec/comparisons/0/b'],
    ],
  ]
  for (const [what, body, paths] of cases) {
    const res = await api.post('/v1/jobs', body)
    t.equal(res.status, 400, `${what}: 400`)
    t.equal(res.body.error?.code, 'invalid_request', `${what}: stable code`)
    const got = (res.body.error?.details ?? []).map((d: { path: string }) => d.path)
    for (const p of paths) t.ok(got.includes(p), `${what}: names ${p} (got ${got.join(', ')})`)
    for (const d of res.body.error?.details ?? []) t.ok(d.message.length > 0, `${what}: says why`)
  }
  t.strictSame(await countAll(), before, 'no row written, nothing enqueued')
})

t.test('a valid job is stored with defaults, enqueued with its priority, readable and listable', async (t) => {
  const job = await api.submit({ kind: 'sample', spec: { stepSizes: [0.5, 0.25, 0.25] }, priority: 5, tags: ['list-me'] })
  t.match(job, { state: 'queued', kind: 'sample', priority: 5, gpus: 0, tags: ['list-me'], attempt: 0 })
  t.match(job.spec, { solver: 'cumulative_scalar', temperature: 1, count: 4 })
  const bull = await eventually(() => queues.get('cpu').getJob(job.id), Boolean)
  t.ok(bull, 'on the cpu queue under the same id')
  t.equal(bull!.opts.priority, bullPriority(5, 0, 0), 'its priority leads (fair share adds tie-breakers after it)')
  const read = await api.get(`/v1/jobs/${job.id}`)
  t.strictSame(read.body, job)
  t.equal((await api.get(`/v1/jobs/${randomUUID()}`)).status, 404)
  t.equal((await api.get('/v1/jobs/not-a-uuid')).status, 400)

  const more = [job]
  for (let i = 0; i < 4; i++) more.push(await api.submit({ kind: 'sample', spec: {}, tags: ['list-me'] }))
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await api.get(`/v1/jobs?tag=list-me&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
    seen.push(...page.body.items.map((j) => j.id))
    cursor = page.body.nextCursor
  } while (cursor)
  t.strictSame(seen, more.map((j) => j.id).reverse(), 'cursor pages: newest first, no gaps or repeats')
  const asc = await api.get('/v1/jobs?tag=list-me&sort=created_at&kind=sample&state=queued')
  t.strictSame(asc.body.items.map((j: { id: string }) => j.id), more.map((j) => j.id))
  t.equal((await api.get('/v1/jobs?limit=0')).status, 400)
})

t.test('cancelling a queued job: it never starts', async (t) => {
  const job = await api.submit({ kind: 'sample', spec: {} })
  const res = await api.post(`/v1/jobs/${job.id}/cancel`)
  t.equal(res.status, 202)
  t.equal(res.body.state, 'cancelled')
  t.equal(await eventually(() => queues.get('cpu').getJob(job.id), (j) => j === undefined), undefined, 'removed from the queue')
  const again = await api.post(`/v1/jobs/${job.id}/cancel`)
  t.equal(again.status, 409)
  t.equal(again.body.error.code, 'not_cancellable')
  t.equal((await api.post(`/v1/jobs/${randomUUID()}/cancel`)).status, 404)
})

t.test('solvers are listed with their parameter schemas', async (t) => {
  const res = await api.get('/v1/solvers')
  t.strictSame(res.body.items.map((s: { name: string }) => s.name).sort(), ['cumulative_scalar', 'dfm_euler', 'mixture_euler'])
  for (const s of res.body.items) t.match(s.parameters, { properties: { steps: { type: 'integer' }, temperature: { type: 'number' } } })
})

t.test('unknown routes answer the error shape', async (t) => {
  const res = await api.get('/v1/nope')
  t.equal(res.status, 404)
  t.equal(res.body.error.code, 'not_found')
})
