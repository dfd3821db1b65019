// `fsdfm up --demo`: drives the running service over HTTP the way a user would: a Brown
// corpus dataset, a short CPU pre-training of a tiny DFM teacher, then samples with a prompt.
import type { JobView } from '../schemas/views.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function submit(base: string, body: unknown): Promise<JobView> {
  const res = await fetch(`${base}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const json = (await res.json()) as JobView & { error?: { message: string } }
  if (res.status !== 201) throw new Error(`submit failed (${res.status}): ${json.error?.message}`)
  return json
}

async function waitFor(base: string, id: string, label: string): Promise<JobView> {
  let lastState = ''
  let lastPrint = 0
  for (;;) {
    const job = (await (await fetch(`${base}/v1/jobs/${id}`)).json()) as JobView
    const p = job.progress
    const line = `  ${label}: ${job.state}${p?.step !== undefined && p?.total ? ` step ${p.step}/${p.total}` : ''}${typeof p?.loss === 'number' ? ` loss ${p.loss.toFixed(3)}` : ''}`
    // A line when the state changes, else one every 5 s: readable in a terminal and in CI logs.
    if (job.state !== lastState || Date.now() - lastPrint > 5000) {
      console.log(line)
      lastPrint = Date.now()
    }
    lastState = job.state
    if (job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled') return job
    await sleep(1000)
  }
}

export async function runDemo(base: string): Promise<boolean> {
  console.log(`\ndemo: Brown corpus -> tiny DFM teacher (a few CPU minutes) -> samples\n`)
  try {
    const dataset = await submit(base, { kind: 'dataset', name: 'demo: Brown corpus', spec: { source: 'brown', compactVocab: 2048 }, tags: ['demo'] })
    const ds = await waitFor(base, dataset.id, 'dataset')
    if (ds.state !== 'succeeded') throw new Error(`dataset ${ds.state}: ${ds.error?.message}`)
    const pretrain = await submit(base, {
      kind: 'pretrain',
      name: 'demo: tiny teacher',
      spec: { datasetJobId: dataset.id, model: { preset: 'tiny' }, seqLen: 64, batchSize: 16, steps: 200, lr: 3e-3, warmupSteps: 20, checkpointEvery: 100 },
      tags: ['demo'],
    })
    const pt = await waitFor(base, pretrain.id, 'pretrain')
    if (pt.state !== 'succeeded') throw new Error(`pretrain ${pt.state}: ${pt.error?.message}`)
    const sample = await submit(base, {
      kind: 'sample',
      name: 'demo: samples',
      spec: { checkpointJobId: pretrain.id, solver: 'cumulative_scalar', steps: 32, count: 3, seqLen: 48, prompt: 'The man said that' },
      tags: ['demo'],
    })
    const s = await waitFor(base, sample.id, 'sample')
    if (s.state !== 'succeeded') throw new Error(`sample ${s.state}: ${s.error?.message}`)
    const samples = ((s.result as { samples?: { text: string }[] } | null)?.samples ?? [])
    console.log('\nsamples (a few minutes of CPU training: expect English-shaped word salad):')
    for (const x of samples) console.log(`  > ${x.text.replace(/\s+/g, ' ').trim()}`)
    console.log(`\nwhere to look:
  ${base}/docs                          Swagger UI (the whole API)
  ${base}/v1/jobs?tag=demo              the three demo jobs
  ${base}/v1/jobs/${pretrain.id}/metrics   training loss curve
  ${base}/v1/jobs/${sample.id}/artifacts   samples.txt, samples.json
The service keeps running; Ctrl-C stops it.`)
    return true
  } catch (err) {
    console.error(`demo failed: ${(err as Error).message}`)
    return false
  }
}
