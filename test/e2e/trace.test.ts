// Issue 15 (backend of the denoising replay): a sample job with `trace: true` streams each
// sample's tokens after every solver step as `trace` events and stores the whole trace, which
// GET /v1/jobs/{id}/trace serves; an oversized trace is refused at the door. Real Redis,
// PostgreSQL and Python, on a random tiny model (the cheapest job through the whole stack).
import t from 'tap'
import { FsdfmClient } from '../../src/client/index.ts'
import { TRACE_MAX_CELLS } from '../../src/schemas/jobs.ts'
import { startTestService } from '../helpers.ts'

const svc = await startTestService(t)
const { api } = svc

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

const masked = (f: Frame) => f.tokens.flat().filter((p) => p === null).length

t.test('a traced sample job: live trace events, then the stored trace', async (t) => {
  // 3 samples in batches of 2: two batches, each traced from step 0 to 3.
  const spec = { model: { preset: 'tiny' }, steps: 3, count: 3, batchSize: 2, seqLen: 10, seed: 3, prompt: 'The jury said', trace: true }
  const job = await api.submit({ kind: 'sample', spec })
  // Opened at once: the stream replays what happened so far, follows the run live and ends after its terminal state.
  const stream = await api.get(`/v1/jobs/${job.id}/events`)
  t.equal(stream.status, 200)
  const events = parseSse(stream.body as string)
  const done = await api.waitFor(job.id)
  t.equal(done.state, 'succeeded', JSON.stringify(done.error))
  const samples = (done.result as { samples: { text: string }[] }).samples

  const traced = events.filter((e) => e.event === 'trace').map((e) => ({ id: e.id, ...e.data }) as TraceEvent)
  t.equal(traced.length, 2 * 4, 'steps + 1 frames per batch')
  const end = events.find((e) => e.event === 'state' && e.data.to === 'succeeded')!
  t.ok(traced.every((e) => e.id < end.id), 'every frame is on the stream before the job ends')
  t.strictSame([...new Set(traced.map((e) => e.firstSample))], [0, 2], 'each batch says which samples it carries')
  for (const e of traced) {
    t.equal(e.steps, 3)
    t.equal(e.tokens.length, e.firstSample === 0 ? 2 : 1)
    t.ok(e.tokens.every((row) => row.length === 10))
  }

  const res = await api.get(`/v1/jobs/${job.id}/trace`)
  t.equal(res.status, 200)
  const trace = res.body as { steps: number; fixed: boolean[][]; frames: Frame[] }
  t.equal(trace.steps, 3)
  t.strictSame(trace.frames.map((f) => f.step), [0, 1, 2, 3], 'frame k is step k')
  t.equal(trace.frames[0].t, 0)
  t.equal(trace.frames[3].t, 1)
  t.ok(trace.frames.every((f, i) => i === 0 || f.t > trace.frames[i - 1].t), 'time moves forward')
  t.equal(trace.fixed.length, 3)
  const prompt = trace.fixed[0].filter(Boolean).length
  t.equal(prompt, 3, 'the prompt’s three GPT-2 tokens are fixed')
  t.strictSame(trace.fixed[0], [...Array(3).fill(true), ...Array(7).fill(false)])
  for (const [k, f] of trace.frames.entries()) {
    t.equal(f.tokens.length, 3, `step ${k}: every sample`)
    for (const row of f.tokens) t.equal(row.slice(0, prompt).join(''), 'The jury said', `step ${k}: the prompt stays as given`)
    // The stored frame is what the stream carried for it, batch by batch.
    const rows = traced.filter((e) => e.step === k).sort((a, b) => a.firstSample - b.firstSample).flatMap((e) => e.tokens)
    t.strictSame(f.tokens, rows, `step ${k}: the stored frame is the streamed one`)
  }
  t.equal(masked(trace.frames[0]), 3 * 7, 'step 0: everything but the prompt is masked')
  t.ok(trace.frames.every((f, i) => i === 0 || masked(f) <= masked(trace.frames[i - 1])), 'masks only decrease')
  t.equal(masked(trace.frames[3]), 0, 'none is left at the end')
  t.strictSame(
    trace.frames[3].tokens.map((row) => row.join('')),
    samples.map((s) => s.text),
    'the last frame’s pieces joined are the samples’ texts',
  )

  const artifacts = (await api.get(`/v1/jobs/${job.id}/artifacts`)).body.items as { name: string; kind: string }[]
  t.ok(artifacts.some((a) => a.name === 'trace.json' && a.kind === 'trace'), 'trace.json is an artifact')
  t.strictSame(await new FsdfmClient({ url: svc.baseUrl! }).trace(job.id), trace, 'the TypeScript client reads it too')
})

t.test('a job without trace has none: 404 no_trace saying why', async (t) => {
  const job = await api.waitFor((await api.submit({ kind: 'sample', spec: { model: { preset: 'tiny' }, steps: 2, count: 1, seqLen: 8 } })).id)
  t.equal(job.state, 'succeeded')
  const res = await api.get(`/v1/jobs/${job.id}/trace`)
  t.equal(res.status, 404)
  t.equal(res.body.error.code, 'no_trace')
  t.match(res.body.error.message, /not submitted with trace: true/)
  t.notOk(((await api.get(`/v1/jobs/${job.id}/events`)).body as string).includes('event: trace'), 'and its stream has no trace events')
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
