// Issue 4: every kind of job through HTTP against real Redis, PostgreSQL and Python, the way a
// lab's script would: Brown dataset -> tiny teacher and ARM -> distilled student -> evaluate
// both -> samples with an infill template; a pipeline; a cancelled running job.
import t from 'tap'
import { startTestService } from '../helpers.ts'
import type { JobView } from '../../src/schemas/views.ts'

const svc = await startTestService(t)
const { api } = svc
const ok = (t: { equal: (...args: any[]) => unknown }, job: JobView) => t.equal(job.state, 'succeeded', `${job.kind} succeeded ${job.error ? JSON.stringify(job.error) : ''}`)
const train = { seqLen: 16, batchSize: 8, logEvery: 5, checkpointEvery: 10, warmupSteps: 2, lr: 3e-3 }

let dataset: JobView, teacher: JobView, arm: JobView, student: JobView

t.test('dataset from the Brown corpus', async (t) => {
  dataset = await api.waitFor((await api.submit({ kind: 'dataset', spec: { source: 'brown', maxDocuments: 40, compactVocab: 256 } })).id)
  ok(t, dataset)
  t.match(dataset.result, { vocabSize: Number, compact: true, tokens: { train: Number, validation: Number } })
  t.ok((dataset.result as { vocabSize: number }).vocabSize <= 257)
  const artifacts = (await api.get(`/v1/jobs/${dataset.id}/artifacts`)).body.items
  t.strictSame(artifacts.map((a: { name: string }) => a.name).sort(), ['manifest.json', 'train.bin', 'validation.bin'])
  for (const a of artifacts) t.match(a.sha256, /^[0-9a-f]{64}$/)
  const manifest = (await api.get(`/v1/jobs/${dataset.id}/artifacts/manifest.json`)).body
  t.equal(manifest.splits.train.sha256, artifacts.find((a: { name: string }) => a.name === 'train.bin').sha256, 'manifest and artifact checksums agree')
})

t.test('pretrain a tiny DFM teacher and a tiny ARM', async (t) => {
  const [tj, aj] = [
    await api.submit({ kind: 'pretrain', spec: { datasetJobId: dataset.id, steps: 30, ...train } }),
    await api.submit({ kind: 'pretrain', spec: { datasetJobId: dataset.id, modelType: 'arm', steps: 20, ...train } }),
  ]
  teacher = await api.waitFor(tj.id)
  arm = await api.waitFor(aj.id)
  ok(t, teacher)
  ok(t, arm)
  t.match(teacher.result, { finalStep: 30, checkpoint: String, vocabSize: (dataset.result as { vocabSize: number }).vocabSize, datasetJobId: dataset.id })
  t.match(teacher.progress, { step: 30, total: 30 })
  const metrics = (await api.get(`/v1/jobs/${teacher.id}/metrics?name=train/loss`)).body.series
  t.equal(metrics.length, 1)
  t.strictSame(metrics[0].points.map((p: { step: number }) => p.step), [5, 10, 15, 20, 25, 30], 'loss logged every logEvery steps')
  t.ok(metrics[0].points.every((p: { value: number }) => Number.isFinite(p.value)))
  const artifacts = (await api.get(`/v1/jobs/${teacher.id}/artifacts`)).body.items
  t.ok(artifacts.some((a: { kind: string; size: number }) => a.kind === 'checkpoint' && a.size > 0), 'checkpoint registered')
  // Results name outputs by the URL that downloads them, not by a path on the server.
  const checkpoint = (teacher.result as { checkpoint: string }).checkpoint
  t.equal(checkpoint, `/v1/jobs/${teacher.id}/artifacts/checkpoint.pt`)
  const download = await fetch(`${svc.baseUrl}${checkpoint}`)
  t.equal(download.status, 200, 'the checkpoint downloads from there')
  await download.body?.cancel()
  t.notOk('datasetDir' in (dataset.result as object), 'a dataset result names no directory')
})

t.test('distill an FS-DFM student from the teacher', async (t) => {
  student = await api.waitFor((await api.submit({ kind: 'distill', spec: { datasetJobId: dataset.id, teacherJobId: teacher.id, steps: 10, ...train } })).id)
  ok(t, student)
  t.match(student.result, { finalStep: 10, checkpoint: String })
})

t.test('evaluate teacher and student under the n-gram and ARM judges', async (t) => {
  const job = await api.waitFor(
    (
      await api.submit({
        kind: 'evaluate',
        priority: 10,
        spec: {
          datasetJobId: dataset.id,
          models: [{ name: 'teacher', jobId: teacher.id }, { name: 'student', jobId: student.id }],
          judges: [{ kind: 'ngram', order: 2 }, { kind: 'arm', jobId: arm.id }],
          stepBudgets: [1, 4],
          samples: 2,
          batchSize: 2,
          elboTimePoints: 2,
        },
      })
    ).id,
  )
  ok(t, job)
  const report = (job.result as { report: any }).report
  t.equal(report.dataset, `/v1/jobs/${dataset.id}`, 'the report names its dataset by job')
  t.match(report.models.teacher?.checkpoint ?? report.models[Object.keys(report.models)[0]].checkpoint, /^\/v1\/jobs\/[0-9a-f-]{36}\/artifacts\/checkpoint\.pt$/, 'and its models by artifact URL')
  for (const name of ['teacher', 'student']) {
    for (const b of ['1', '4']) {
      const row = report.models[name].budgets[b]
      t.ok(row, `${name} at ${b} steps`)
      t.equal(Object.keys(row.genPpl).length, 2, 'one perplexity per judge')
      for (const v of Object.values(row.genPpl)) t.ok(Number.isFinite(v as number) && (v as number) > 1)
      t.ok(row.entropy >= 0 && row.wallSeconds > 0 && row.tokensPerSecond > 0)
    }
  }
  t.match((job.result as { reportTable: string }).reportTable, /student\s+4/, 'the job result carries the report rendered as a table')
  const names = (await api.get(`/v1/jobs/${job.id}/artifacts`)).body.items.map((a: { name: string }) => a.name)
  t.ok(names.includes('report.json'), 'the report is an artifact')
  const table = await fetch(`${svc.baseUrl}/v1/jobs/${job.id}/report`, { headers: { accept: 'text/plain' } })
  const text = await table.text()
  t.match(text, /student\s+4/)
  t.match(text, /ppl:/)
})

t.test('sample from the student with an infill template; the checkpoint stays loaded', async (t) => {
  const spec = { checkpointJobId: student.id, infill: 'The jury [[4]] the [[3]].', seqLen: 16, count: 2, batchSize: 2, steps: 4 }
  const first = await api.waitFor((await api.submit({ kind: 'sample', priority: 5, spec })).id)
  ok(t, first)
  const samples = (first.result as { samples: { text: string }[] }).samples
  t.equal(samples.length, 2)
  for (const s of samples) t.match(s.text, /^The jury .* the .*\./s, 'the text around the holes is kept')
  t.type((first.result as { cacheHit: boolean }).cacheHit, 'boolean', 'the job reports whether the checkpoint was already loaded')
  const second = await api.waitFor((await api.submit({ kind: 'sample', spec: { ...spec, seed: 2 } })).id)
  t.equal((second.result as { cacheHit: boolean }).cacheHit, true, 'a repeated sample job does not reload the checkpoint')
})

t.test('a pipeline runs pretrain -> distill -> evaluate as one flow', async (t) => {
  const res = await api.post('/v1/pipelines', {
    datasetJobId: dataset.id,
    name: 'flow',
    pretrain: { steps: 10, ...train },
    distill: { steps: 4, ...train },
    evaluate: { stepBudgets: [2], samples: 2, batchSize: 2, elbo: false, infill: false },
    tags: ['flow'],
  })
  t.equal(res.status, 201, JSON.stringify(res.body))
  const [p, d, e] = res.body.jobs as JobView[]
  t.match([p.kind, d.kind, e.kind], ['pretrain', 'distill', 'evaluate'])
  t.equal(d.parentId, p.id)
  t.equal(e.parentId, d.id)
  t.equal((d.spec as { teacherJobId?: string }).teacherJobId, p.id)
  const done = await api.waitFor(e.id)
  ok(t, done)
  const [pd, dd] = [await api.get(`/v1/jobs/${p.id}`), await api.get(`/v1/jobs/${d.id}`)]
  t.ok(pd.body.finishedAt <= dd.body.startedAt && dd.body.finishedAt <= done.startedAt!, 'stages ran in order')

  const bad = await api.post('/v1/pipelines', { datasetJobId: dataset.id, pretrain: { steps: 0 }, distill: {} })
  t.equal(bad.status, 400)
  t.ok(bad.body.error.details.some((d: { path: string }) => d.path === '/pretrain/steps'))
})

t.test('a failed stage fails the stages after it, naming it', async (t) => {
  const res = await api.post('/v1/pipelines', { datasetJobId: dataset.id, pretrain: { steps: 100_000, ...train, checkpointEvery: 50 }, distill: { steps: 2, ...train } })
  const [p, d] = res.body.jobs as JobView[]
  await api.waitFor(p.id, ['running'])
  await api.post(`/v1/jobs/${p.id}/cancel`)
  const pd = await api.waitFor(p.id)
  t.equal(pd.state, 'cancelled')
  const dd = await api.waitFor(d.id)
  t.equal(dd.state, 'failed')
  t.equal(dd.error?.code, 'dependency_failed')
  t.match(dd.error?.message, p.id)
  t.equal(dd.startedAt, null, 'the dependent never started')
})

t.test('cancelling a running pretrain: it stops within a step, checkpoints and ends cancelled', async (t) => {
  const job = await api.submit({ kind: 'pretrain', spec: { datasetJobId: dataset.id, steps: 100_000, ...train, checkpointEvery: 100_000 } })
  await api.waitFor(job.id, ['running'])
  for (let i = 0; i < 100; i++) {
    const j = (await api.get(`/v1/jobs/${job.id}`)).body as JobView
    if ((j.progress?.step ?? 0) >= 3) break
    await new Promise((r) => setTimeout(r, 100))
  }
  const asked = await api.post(`/v1/jobs/${job.id}/cancel`)
  t.equal(asked.status, 202)
  t.equal(asked.body.state, 'cancelling')
  const done = await api.waitFor(job.id, ['cancelled', 'failed', 'succeeded'], 30_000)
  t.equal(done.state, 'cancelled')
  const artifacts = (await api.get(`/v1/jobs/${job.id}/artifacts`)).body.items
  t.ok(artifacts.some((a: { kind: string }) => a.kind === 'checkpoint'), 'a checkpoint was written on cancel')
  t.ok((done.result as { finalStep: number }).finalStep < 100_000)
})
