// Issue 4: every kind of job through HTTP against real Redis, PostgreSQL and Python, the way a
// lab's script would: Brown dataset -> tiny teacher and ARM -> distilled student -> evaluate
// both -> samples with an infill template, one of them traced step by step; a pipeline; a
// cancelled running job.
import t from 'tap'
import { FsdfmClient } from '../../src/client/index.ts'
import { TRACE_MAX_CELLS } from '../../src/schemas/jobs.ts'
import { startTestService } from '../helpers.ts'
import type { JobView } from '../../src/schemas/views.ts'

const svc = await startTestService(t)
const { api } = svc
const ok = (t: { equal: (...args: any[]) => unknown }, job: JobView) => t.equal(job.state, 'succeeded', `${job.kind} succeeded ${job.error ? JSON.stringify(job.error) : ''}`)
const train = { seqLen: 16, batchSize: 8, logEvery: 5, checkpointEvery: 10, warmupSteps: 2, lr: 3e-3 }

let dataset: JobView, teacher: JobView, arm: JobView, student: JobView, untracedSample: JobView

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
  untracedSample = first
  const samples = (first.result as { samples: { text: string }[] }).samples
  t.equal(samples.length, 2)
  for (const s of samples) t.match(s.text, /^The jury .* the .*\./s, 'the text around the holes is kept')
  t.type((first.result as { cacheHit: boolean }).cacheHit, 'boolean', 'the job reports whether the checkpoint was already loaded')
  const second = await api.waitFor((await api.submit({ kind: 'sample', spec: { ...spec, seed: 2 } })).id)
  t.equal((second.result as { cacheHit: boolean }).cacheHit, true, 'a repeated sample job does not reload the checkpoint')
})

// Issue 15 (backend of the denoising replay): `trace: true` streams each sample's tokens after
// every solver step as `trace` events and stores the whole trace for GET /v1/jobs/{id}/trace.
interface Frame {
  step: number
  t: number
  tokens: (string | null)[][]
}
interface TraceEvent extends Frame {
  id: number
  steps: number
  firstSample: number
}

/** The events of a finished stream, in order: `event` and parsed `data`. */
function parseSse(text: string): { id: number; event: string; data: Record<string, unknown> }[] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2)
      return { id: Number(field('id')), event: field('event') ?? 'message', data: JSON.parse(field('data')!) }
    })
}

const maskedCells = (f: Frame) => f.tokens.flat().filter((p) => p === null).length

t.test('a traced sample job: live trace events, then the stored trace', async (t) => {
  // 3 samples in batches of 2: two batches, each traced from step 0 to 3.
  const spec = { checkpointJobId: student.id, infill: 'The jury [[4]] the [[3]].', seqLen: 16, count: 3, batchSize: 2, steps: 3, seed: 3, trace: true }
  const job = await api.submit({ kind: 'sample', spec })
  // Opened at once: the stream replays what happened so far, follows the run live and ends after its terminal state.
  const stream = await api.get(`/v1/jobs/${job.id}/events`)
  t.equal(stream.status, 200)
  const events = parseSse(stream.body as string)
  const done = await api.waitFor(job.id)
  ok(t, done)
  const samples = (done.result as { samples: { text: string }[] }).samples

  const traced = events.filter((e) => e.event === 'trace').map((e) => ({ id: e.id, ...e.data }) as TraceEvent)
  t.equal(traced.length, 2 * 4, 'steps + 1 frames per batch')
  const end = events.find((e) => e.event === 'state' && e.data.to === 'succeeded')!
  t.ok(traced.every((e) => e.id < end.id), 'every frame is on the stream before the job ends')
  t.strictSame([...new Set(traced.map((e) => e.firstSample))], [0, 2], 'each batch says which samples it carries')
  for (const e of traced) {
    t.equal(e.steps, 3)
    t.equal(e.tokens.length, e.firstSample === 0 ? 2 : 1)
    t.ok(e.tokens.every((row) => row.length === 16))
  }

  const res = await api.get(`/v1/jobs/${job.id}/trace`)
  t.equal(res.status, 200)
  const trace = res.body as { steps: number; fixed: boolean[][]; frames: Frame[] }
  t.equal(trace.steps, 3)
  t.strictSame(trace.frames.map((f) => f.step), [0, 1, 2, 3], 'frame k is step k')
  t.equal(trace.frames[0].t, 0)
  t.equal(trace.frames[3].t, 1)
  t.ok(trace.frames.every((f, i) => i === 0 || f.t > trace.frames[i - 1].t), 'time moves forward')
  // "The", " jury", 4 holes, " the", 3 holes, ".", then free positions up to seqLen.
  const layout = [true, true, false, false, false, false, true, false, false, false, true, false, false, false, false, false]
  t.strictSame(trace.fixed, [layout, layout, layout], 'the template’s tokens are marked fixed')
  for (const [k, f] of trace.frames.entries()) {
    t.equal(f.tokens.length, 3, `step ${k}: every sample`)
    for (const row of f.tokens) t.strictSame([row[0], row[1], row[6], row[10]], ['The', ' jury', ' the', '.'], `step ${k}: the template stays as given`)
    // The stored frame is what the stream carried for it, batch by batch.
    const rows = traced.filter((e) => e.step === k).sort((a, b) => a.firstSample - b.firstSample).flatMap((e) => e.tokens)
    t.strictSame(f.tokens, rows, `step ${k}: the stored frame is the streamed one`)
  }
  t.equal(maskedCells(trace.frames[0]), 3 * 12, 'step 0: everything but the template is masked')
  t.ok(trace.frames.every((f, i) => i === 0 || maskedCells(f) <= maskedCells(trace.frames[i - 1])), 'masks only decrease')
  t.equal(maskedCells(trace.frames[3]), 0, 'none is left at the end')
  t.strictSame(
    trace.frames[3].tokens.map((row) => row.join('')),
    samples.map((s) => s.text),
    'the last frame’s pieces joined are the samples’ texts',
  )

  const artifacts = (await api.get(`/v1/jobs/${job.id}/artifacts`)).body.items as { name: string; kind: string }[]
  t.ok(artifacts.some((a) => a.name === 'trace.json' && a.kind === 'trace'), 'trace.json is an artifact')
  t.strictSame(await new FsdfmClient({ url: svc.baseUrl! }).trace(job.id), trace, 'the TypeScript client reads it too')
})

t.test('a job without a trace: 404 no_trace saying why, and no trace events', async (t) => {
  const res = await api.get(`/v1/jobs/${untracedSample.id}/trace`)
  t.equal(res.status, 404)
  t.equal(res.body.error.code, 'no_trace')
  t.match(res.body.error.message, /not submitted with trace: true/)
  t.match((await api.get(`/v1/jobs/${student.id}/trace`)).body.error.message, /it is a distill job/)
  t.notOk(((await api.get(`/v1/jobs/${untracedSample.id}/events`)).body as string).includes('event: trace'), 'its stream has no trace events')
})

t.test('an oversized trace is refused at the door, naming trace and the reason', async (t) => {
  const before = (await api.get('/v1/jobs?limit=500')).body.items.length
  // 100 × 1000 × 21 = 2.1 million token cells.
  const spec = { model: { preset: 'tiny' }, steps: 20, count: 100, seqLen: 1000, trace: true }
  const res = await api.post('/v1/jobs', { kind: 'sample', spec })
  t.equal(res.status, 400)
  t.equal(res.body.error.code, 'invalid_request')
  const detail = res.body.error.details.find((d: { path: string }) => d.path === '/spec/trace')
  t.ok(detail, 'names /spec/trace')
  t.match(detail?.message, new RegExp(`2100000 token cells; at most ${TRACE_MAX_CELLS}`))
  t.equal((await api.get('/v1/jobs?limit=500')).body.items.length, before, 'no job was written')
  // The next two are refused for another field (prompt and infill both), so that no large job runs;
  // the door still checks every field of them, and the trace is not among the problems.
  const refusedElsewhere = { prompt: 'a', infill: 'b [[2]]' }
  const untraced = await api.post('/v1/jobs', { kind: 'sample', spec: { ...spec, ...refusedElsewhere, trace: false } })
  t.strictSame(untraced.body.error.details.map((d: { path: string }) => d.path), ['/spec/infill'], 'the same job without trace is not refused for it')
  // One step fewer fits: 100 × 1000 × 20 = 2,000,000 cells, the cap itself.
  const fits = await api.post('/v1/jobs', { kind: 'sample', spec: { ...spec, ...refusedElsewhere, steps: 19 } })
  t.strictSame(fits.body.error.details.map((d: { path: string }) => d.path), ['/spec/infill'], 'a trace at the cap is not refused')
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
