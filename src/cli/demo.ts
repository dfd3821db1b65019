// `fsdfm up --demo`: drives the running service over HTTP the way a user would, through the
// TypeScript client: a Brown corpus dataset, a short CPU pre-training of a tiny DFM teacher,
// then samples with a prompt.
import { FsdfmClient, type Job, type JobCreate } from '../client/index.ts'

/** Submits a job and follows it, printing a line when its state changes and one every 5 s of progress. */
async function run(client: FsdfmClient, body: JobCreate, label: string, say: Say): Promise<Job> {
  const job = await client.submit(body)
  let lastPrint = 0
  const done = await client.wait(job.id, {
    onEvent: (e) => {
      if (e.type === 'state') say(`  ${label}: ${e.data.to}`)
      // A line every 5 s: readable in a terminal and in CI logs.
      if (e.type === 'progress' && Date.now() - lastPrint > 5000 && e.data.total) {
        lastPrint = Date.now()
        say(`  ${label}: step ${e.data.step}/${e.data.total}${typeof e.data.loss === 'number' ? ` loss ${e.data.loss.toFixed(3)}` : ''}`)
      }
    },
  })
  if (done.state !== 'succeeded') throw new Error(`${label} ${done.state}: ${done.error?.message}`)
  return done
}

/** Where the demo's lines go: plain lines on a terminal, log lines where the service logs JSON. */
export type Say = (text: string) => void

export async function runDemo(base: string, say: Say = console.log, fail: Say = console.error): Promise<boolean> {
  say(`\ndemo: Brown corpus -> tiny DFM teacher (a few CPU minutes) -> samples\n`)
  const client = new FsdfmClient({ url: base })
  try {
    const dataset = await run(client, { kind: 'dataset', name: 'demo: Brown corpus', spec: { source: 'brown', compactVocab: 2048 }, tags: ['demo'] }, 'dataset', say)
    const pretrain = await run(client, {
      kind: 'pretrain',
      name: 'demo: tiny teacher',
      spec: { datasetJobId: dataset.id, model: { preset: 'tiny' }, seqLen: 64, batchSize: 16, steps: 200, lr: 3e-3, warmupSteps: 20, checkpointEvery: 100 },
      tags: ['demo'],
    }, 'pretrain', say)
    const sample = await run(client, {
      kind: 'sample',
      name: 'demo: samples',
      spec: { checkpointJobId: pretrain.id, solver: 'cumulative_scalar', steps: 32, count: 3, seqLen: 48, prompt: 'The man said that' },
      tags: ['demo'],
    }, 'sample', say)
    const samples = (sample.result as { samples?: { text: string }[] } | null)?.samples ?? []
    say('\nsamples (a few minutes of CPU training: expect English-shaped word salad):')
    for (const x of samples) say(`  > ${x.text.replace(/\s+/g, ' ').trim()}`)
    say(`\nwhere to look:
  ${base}/                              the dashboard: jobs, curves, samples, replay
  ${base}/docs                          Swagger UI (the whole API)
  ${base}/v1/jobs?tag=demo              the three demo jobs
  ${base}/v1/jobs/${pretrain.id}/metrics   training loss curve
  ${base}/v1/jobs/${sample.id}/artifacts   samples.txt, samples.json
From a terminal: fsdfm login ${base}, then fsdfm jobs --tag demo, fsdfm metrics ${pretrain.id.slice(0, 8)}, fsdfm logs ${pretrain.id.slice(0, 8)}
The service keeps running; Ctrl-C stops it.`)
    return true
  } catch (err) {
    fail(`demo failed: ${(err as Error).message}`)
    return false
  }
}
