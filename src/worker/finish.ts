// How a Python run's end becomes a job's outcome: its result made public (no server paths),
// sample tokens decoded to text, the files it wrote registered as artifacts. Shared by the local
// worker (a run in its own Python) and the Slurm worker (rank 0's report from the cluster).
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../config.ts'
import { decodeTokens } from '../data/tokenizer.ts'
import { renderReportTable } from '../jobs/report.ts'
import type { Job, JobOf } from '../store/types.ts'
import { checked } from './bridge.ts'
import type { PreparedRun } from './inputs.ts'
import { publicRefs } from './public-refs.ts'
import { RunArtifacts, type RunStatus } from './runtime-api.ts'
import type { TraceRecorder } from './trace.ts'
import type { Outcome } from './writer.ts'

export type RunEnd = Pick<RunStatus, 'state' | 'result' | 'error'>

export function finishRun(job: Exclude<Job, JobOf<'dataset'>>, prepared: PreparedRun, status: RunEnd, workDir: string, config: Pick<Config, 'artifactDir' | 'inputRoot'>, tracer?: TraceRecorder | null): Outcome {
  const result = status.result ?? {}
  const artifacts = result.artifacts === undefined ? [] : checked(RunArtifacts, result.artifacts, 'result.artifacts')
  const stored: Record<string, unknown> = { ...result }
  delete stored.artifacts
  if (prepared.datasetJobId) stored.datasetJobId = prepared.datasetJobId
  if (prepared.vocabSize !== null) stored.vocabSize = prepared.vocabSize
  if (job.kind === 'pretrain' || job.kind === 'distill') stored.seqLen = job.spec.seqLen
  if (job.kind === 'evaluate' && result.report) stored.reportTable = renderReportTable(result.report as Record<string, unknown>)
  if (job.kind === 'sample' && Array.isArray(result.tokens) && prepared.vocab) {
    const vocab = prepared.vocab
    const samples = (result.tokens as number[][]).map((ids) => ({ text: decodeTokens(ids, vocab), tokens: ids }))
    delete stored.tokens
    stored.samples = samples
    const textPath = join(workDir, 'samples.txt')
    writeFileSync(textPath, samples.map((s) => s.text).join('\n\n----\n\n') + '\n')
    artifacts.push({ name: 'samples.txt', kind: 'samples', path: textPath })
    // A trace is kept only for a run that ended well: a partial one would replay a lie.
    const tracePath = join(workDir, 'trace.json')
    if (tracer && status.state === 'succeeded' && tracer.write(tracePath)) artifacts.push({ name: 'trace.json', kind: 'trace', path: tracePath })
  }
  const present = artifacts.filter((a) => existsSync(a.path))
  if (status.state === 'failed') {
    const e = status.error ?? { type: 'Error', message: 'unknown Python failure' }
    return { kind: 'final', state: 'failed', error: { code: 'python_error', type: e.type, message: `${e.type}: ${e.message}`, frame: e.frame, traceback: e.traceback }, artifacts: present }
  }
  const published = publicRefs(stored, { artifactDir: config.artifactDir, inputRoot: config.inputRoot }) as Record<string, unknown>
  return { kind: 'final', state: status.state === 'cancelled' ? 'cancelled' : 'succeeded', result: published, artifacts: present }
}
