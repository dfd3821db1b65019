// Following a job to its end: a live progress bar on a terminal (cli-progress), a line per state
// change and an occasional progress line elsewhere (CI logs, pipes), and what the job left.
import { Presets, SingleBar } from 'cli-progress'
import type { FsdfmClient, Job, JobEvent } from '../../client/index.ts'
import { duration, EXIT } from './output.ts'

const PLAIN_PROGRESS_EVERY_MS = 10_000

function rateOf(data: { tokensPerSecond?: number | null }, stepsPerSecond: number | null): string {
  if (typeof data.tokensPerSecond === 'number' && data.tokensPerSecond > 0) return `${data.tokensPerSecond >= 1000 ? `${(data.tokensPerSecond / 1000).toFixed(1)}k` : data.tokensPerSecond.toFixed(0)} tok/s`
  return stepsPerSecond === null ? '-' : `${stepsPerSecond.toFixed(stepsPerSecond >= 10 ? 0 : 2)} steps/s`
}

/** Follows `job` until it ends; progress goes to stderr, so stdout keeps only the answer. */
export async function followJob(client: FsdfmClient, job: Job, options: { quiet?: boolean; signal?: AbortSignal } = {}): Promise<Job> {
  const tty = Boolean(process.stderr.isTTY) && !options.quiet
  const say = (line: string) => {
    if (!options.quiet) process.stderr.write(`${line}\n`)
  }
  const short = job.id.slice(0, 8)
  let bar: SingleBar | null = null
  let first: { step: number; at: number } | null = null
  let lastPlain = 0
  let lastState = ''
  const stopBar = () => {
    bar?.stop()
    bar = null
  }
  const onEvent = (e: JobEvent) => {
    if (e.type === 'state') {
      if (e.data.to === lastState) return
      lastState = e.data.to
      stopBar()
      say(`job ${short} ${e.data.to}${e.data.reason ? ` (${e.data.reason})` : ''}`)
      return
    }
    if (e.type !== 'progress' || typeof e.data.step !== 'number' || !e.data.total) return
    const now = Date.now()
    if (!first || e.data.step < first.step) first = { step: e.data.step, at: now }
    const stepsPerSecond = now > first.at && e.data.step > first.step ? ((e.data.step - first.step) * 1000) / (now - first.at) : null
    const payload = {
      rate: rateOf(e.data, stepsPerSecond),
      etaText: typeof e.data.etaSeconds === 'number' ? duration(e.data.etaSeconds) : stepsPerSecond ? duration((e.data.total - e.data.step) / stepsPerSecond) : '-',
      loss: typeof e.data.loss === 'number' ? e.data.loss.toFixed(4) : '-',
    }
    if (tty) {
      if (!bar) {
        bar = new SingleBar(
          { format: `  {bar} {value}/{total} steps | {rate} | ETA {etaText} | loss {loss}`, hideCursor: true, clearOnComplete: false, stream: process.stderr },
          Presets.shades_classic,
        )
        bar.start(e.data.total, e.data.step, payload)
      } else {
        bar.setTotal(e.data.total)
        bar.update(e.data.step, payload)
      }
    } else if (now - lastPlain >= PLAIN_PROGRESS_EVERY_MS || e.data.step === e.data.total) {
      lastPlain = now
      say(`  step ${e.data.step}/${e.data.total} | ${payload.rate} | ETA ${payload.etaText} | loss ${payload.loss}`)
    }
  }
  // Ctrl-C stops following, not the job: say so, and leave the terminal as it was (cursor shown).
  const onInterrupt = () => {
    stopBar()
    process.stderr.write(`\nstopped following; job ${short} keeps running (fsdfm jobs cancel ${short} stops it)\n`)
    process.exit(130)
  }
  process.once('SIGINT', onInterrupt)
  try {
    return await client.wait(job.id, { onEvent, signal: options.signal })
  } finally {
    process.off('SIGINT', onInterrupt)
    stopBar()
  }
}

/** How a job's end maps to the exit code. */
export function exitCodeOf(job: Job): number {
  return job.state === 'succeeded' ? EXIT.ok : job.state === 'cancelled' ? EXIT.cancelled : EXIT.failed
}

/** What a finished job left, for people: the samples, the final loss, the report table, the error. */
export function describeOutcome(job: Job): string {
  const took = job.startedAt && job.finishedAt ? ` in ${duration((Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000)}` : ''
  const lines = [`${job.kind} job ${job.id} ${job.state}${took}`]
  if (job.error) lines.push(`error: ${job.error.code ?? 'error'}: ${job.error.message}${job.error.frame ? `\n  at ${job.error.frame}` : ''}`)
  const r = (job.result ?? {}) as Record<string, unknown>
  if (job.kind === 'sample' && Array.isArray(r.samples)) r.samples.forEach((s: { text?: string }, i) => lines.push(`--- sample ${i}\n${s.text ?? ''}`))
  if ((job.kind === 'pretrain' || job.kind === 'distill') && typeof r.finalStep === 'number') lines.push(`final step ${r.finalStep}, loss ${typeof r.finalLoss === 'number' ? r.finalLoss.toFixed(4) : '-'}`)
  if (job.kind === 'evaluate' && typeof r.reportTable === 'string') lines.push(r.reportTable)
  if (job.kind === 'dataset' && r.tokens && typeof r.tokens === 'object') lines.push(`tokens ${JSON.stringify(r.tokens)}, vocabulary ${String(r.vocabSize)}`)
  return lines.join('\n')
}
