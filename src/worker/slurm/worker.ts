// A worker that runs no Python itself: it hands each job to Slurm. For a job it takes (with the
// same claim, fence and lease as a local worker) it writes the run spec into the job's directory,
// submits a batch script with sbatch (nodes, ranks and GPUs per node, partition, time limit from
// the job's `spec.slurm` within FSDFM_SLURM_*), and follows the Slurm job: rank 0's report file
// gives progress, metrics, logs and the result, squeue/sacct the state. A training job stopped by
// preemption, its time limit or a node failure is submitted again and resumes from its
// checkpoint; a cancel is scancel. The job's directory must be on a disk the nodes share.
//
// One attempt at a time: the attempt writes its fence into the job's directory and cancels any
// Slurm job an earlier attempt left before it submits; a batch script whose fence is no longer
// the file's exits at once; and an attempt that loses its lease cancels its Slurm job.
import { execFile } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ownCheckpoint, jobDir } from '../../jobs/paths.ts'
import { slurmLimits, slurmPlacement, type SlurmPlacement } from '../../jobs/slurm-limits.ts'
import { checkSlurm } from '../../jobs/slurm-limits.ts'
import type { Job, JobOf, JsonObject } from '../../store/types.ts'
import type { PingInfo } from '../bridge.ts'
import { finishRun } from '../finish.ts'
import { prepareRun } from '../inputs.ts'
import type { Lease, StopReason } from '../lease.ts'
import { FsdfmWorker } from '../worker.ts'
import type { JobWriter, Outcome } from '../writer.ts'
import { activeJobsNamed, ENDED, jobState, sbatch, scancel, type SlurmJobState } from './commands.ts'
import { ReportFollower } from './report.ts'
import { batchScript, FENCE_FILE, rankOutput, sbatchArgs } from './script.ts'
import type { Logger } from '../../util/log.ts'

type ComputeJob = Exclude<Job, JobOf<'dataset'>>
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const PYTHON_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'python')
/** Slurm ends that a new submission may get past: the job did nothing wrong. */
const RESUBMIT = new Set(['PREEMPTED', 'TIMEOUT', 'NODE_FAIL'])
/** How often squeue is asked (rank 0's file is read every FSDFM_POLL_MS). */
const SQUEUE_MS = 1000

export class SlurmWorker extends FsdfmWorker {
  /** CPU jobs and, when the nodes have GPUs, every total a job may ask for (nodes x GPUs per node). */
  override get queues(): string[] {
    const { FSDFM_SLURM_MAX_NODES: nodes, FSDFM_SLURM_GPUS_PER_NODE: perNode } = this.deps.config
    const totals = new Set<number>()
    for (let n = 1; n <= nodes; n++) for (let g = 1; g <= perNode; g++) totals.add(n * g)
    return ['data', 'cpu', ...[...totals].sort((a, b) => a - b).map((g) => `gpu${g}`)]
  }

  /** Following a Slurm job costs little here: the cluster runs it. */
  protected override get jobsAtOnce(): number {
    return this.deps.config.FSDFM_SLURM_MAX_JOBS
  }

  /** The interpreter the nodes run is asked its versions once (for provenance); nothing runs here. */
  protected override async startPython(): Promise<PingInfo> {
    const code = 'import json, sys, torch; print(json.dumps({"torch": torch.__version__, "python": sys.version.split()[0], "cuda": torch.version.cuda}))'
    const facts = await new Promise<{ torch: string; python: string; cuda: string | null }>((res) =>
      execFile(this.deps.config.PYTHON_BIN, ['-c', code], { timeout: 120_000 }, (err, out) => {
        try {
          res(err ? { torch: 'unknown', python: 'unknown', cuda: null } : JSON.parse(out))
        } catch {
          res({ torch: 'unknown', python: 'unknown', cuda: null })
        }
      }),
    )
    return { torch: facts.torch, python: facts.python, cuda: this.deps.config.FSDFM_SLURM_GPUS_PER_NODE > 0, devices: 0, memory: null, version: 'slurm', cudaVersion: facts.cuda, deviceName: 'slurm' }
  }

  protected override capacity(): { gpus: number; memoryBytes: number | null } {
    const { config } = this.deps
    return { gpus: config.FSDFM_SLURM_MAX_NODES * config.FSDFM_SLURM_GPUS_PER_NODE, memoryBytes: null }
  }

  protected override deviceFor(job: Job): string {
    return job.kind !== 'dataset' && job.gpus > 0 ? 'cuda' : 'cpu'
  }

  protected override async runCompute(job: ComputeJob, lease: Lease, writer: JobWriter, log: Logger): Promise<Outcome> {
    const { config, store } = this.deps
    const limits = slurmLimits(config)
    const problems: { path: string; message: string }[] = []
    checkSlurm(job.kind, job.gpus, job.spec.slurm ?? { nodes: 1 }, limits, problems)
    if (problems.length > 0) {
      const message = `this Slurm worker cannot place the job: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`
      return { kind: 'final', state: 'failed', error: { code: 'slurm_unplaceable', type: 'SlurmError', message } }
    }
    const placement = slurmPlacement(job.gpus, job.spec.slurm, limits)
    const workDir = jobDir(config.artifactDir, job.id)
    mkdirSync(workDir, { recursive: true })
    const name = `fsdfm-${job.id}`
    // This attempt owns the directory from here on; what an earlier one left on the cluster goes.
    writeFileSync(join(workDir, FENCE_FILE), String(job.fence))
    await this.cancelLeftovers(name)
    writer.recover()
    // Report files of earlier submissions: their metrics are relayed again (keyed by step, no doubles).
    for (const f of readdirSync(workDir).filter((f) => /^slurm-\d+-rank0\.out$/.test(f))) writer.metrics(new ReportFollower(join(workDir, f)).read().metrics)

    const triesAllowed = 1 + config.FSDFM_SLURM_MAX_RESUBMITS
    let cancelSent = false
    for (let submission = 1; ; submission++) {
      const prepared = await prepareRun(job, this.artifacts, (id) => store.jobs.get(id), config.inputRoot)
      const slurmId = await this.submit(job, workDir, name, placement, prepared.config, prepared.inputs)
      writer.logs([`slurm job ${slurmId} submitted: ${describe(placement)}${prepared.inputs.resumeFrom ? ', resuming from the checkpoint' : ''}`])
      writer.flushSoon()
      const followed = await this.follow(job, slurmId, workDir, lease, writer, () => cancelSent, () => (cancelSent = true), log)
      if (followed.kind === 'stopped') return stopOutcome(followed.reason)
      const { state, reason } = followed.end
      const records = followed.records
      if (records.result) {
        const result = { ...records.result }
        const cancelled = result.cancelled === true || cancelSent
        delete result.cancelled
        const artifacts = (Array.isArray(result.artifacts) ? result.artifacts : []) as unknown[]
        if (existsSync(join(workDir, 'log.txt'))) artifacts.push({ name: 'log.txt', path: join(workDir, 'log.txt'), kind: 'log' })
        result.artifacts = artifacts
        return finishRun(job, prepared, { state: cancelled ? 'cancelled' : 'succeeded', result, error: null }, workDir, config)
      }
      if (records.error) return finishRun(job, prepared, { state: 'failed', result: null, error: records.error }, workDir, config)
      if (state === 'CANCELLED' && cancelSent) return { kind: 'final', state: 'cancelled' }
      const training = job.kind === 'pretrain' || job.kind === 'distill'
      if (RESUBMIT.has(state) && (training || state !== 'TIMEOUT') && submission < triesAllowed) {
        const resumes = training && existsSync(ownCheckpoint(config.artifactDir, job.id))
        writer.logs([`slurm job ${slurmId} ended ${state}${reason && reason !== 'None' ? ` (${reason})` : ''}; submitting again${resumes ? ' from the checkpoint' : ''} (${submission}/${config.FSDFM_SLURM_MAX_RESUBMITS} resubmissions)`])
        writer.flushSoon()
        continue
      }
      const code = `slurm_${state.toLowerCase()}`
      const why =
        state === 'CANCELLED'
          ? 'the Slurm job was cancelled outside fsdfm (scancel by someone else, or by Slurm)'
          : RESUBMIT.has(state) && submission >= triesAllowed
            ? `the Slurm job ended ${state} ${submission} times (FSDFM_SLURM_MAX_RESUBMITS=${config.FSDFM_SLURM_MAX_RESUBMITS})`
            : `the Slurm job ended ${state}${reason && reason !== 'None' ? ` (${reason})` : ''}; see slurm-${slurmId}.out and the rank logs in the job's directory`
      return { kind: 'final', state: 'failed', error: { code, type: 'SlurmError', message: `slurm job ${slurmId}: ${why}` } }
    }
  }

  /** Cancels the Slurm jobs an earlier attempt of this job left queued or running, and waits until they are gone. */
  private async cancelLeftovers(name: string): Promise<void> {
    let left = await activeJobsNamed(name)
    if (left.length === 0) return
    this.log.info(`${name}: cancelling Slurm job(s) ${left.join(', ')} of an earlier attempt`)
    for (const id of left) await scancel(id).catch(() => {})
    for (let i = 0; i < 600 && left.length > 0; i++) {
      await sleep(500)
      left = await activeJobsNamed(name)
    }
    if (left.length > 0) throw new Error(`Slurm job(s) ${left.join(', ')} of an earlier attempt did not end after scancel`)
  }

  private async submit(job: ComputeJob, workDir: string, name: string, placement: SlurmPlacement, config: Record<string, unknown>, inputs: object): Promise<string> {
    const specFile = join(workDir, `run-spec.attempt-${job.fence}.json`)
    const spec = {
      kind: job.kind,
      jobId: job.id,
      workDir,
      device: job.gpus > 0 ? 'cuda' : 'cpu',
      worldSize: placement.nodes * placement.ranksPerNode,
      attempt: job.fence,
      config,
      inputs,
      cancelFile: join(workDir, '.cancel'),
    }
    writeFileSync(specFile, JSON.stringify(spec))
    const script = join(workDir, `slurm-batch.attempt-${job.fence}.sh`)
    writeFileSync(script, batchScript({ workDir, fence: job.fence, pythonBin: this.deps.config.PYTHON_BIN, pythonPath: PYTHON_DIR, specFile }), { mode: 0o755 })
    return sbatch(sbatchArgs({ name, workDir, placement }), script)
  }

  /** Follows one Slurm job to its end, relaying rank 0's report; scancels it on a cancel request or a lost lease. */
  private async follow(
    job: ComputeJob,
    slurmId: string,
    workDir: string,
    lease: Lease,
    writer: JobWriter,
    cancelSent: () => boolean,
    markCancel: () => void,
    log: Logger,
  ): Promise<{ kind: 'ended'; end: SlurmJobState; records: { result: Record<string, unknown> | null; error: ReturnType<ReportFollower['read']>['error'] } } | { kind: 'stopped'; reason: StopReason }> {
    const report = new ReportFollower(rankOutput(workDir, slurmId))
    const logFile = join(workDir, 'log.txt')
    const records = { result: null as Record<string, unknown> | null, error: null as ReturnType<ReportFollower['read']>['error'] }
    let last: SlurmJobState | null = null
    let lastAsked = 0
    let stopping: StopReason | null = null
    const relay = () => {
      const r = report.read()
      writer.metrics(r.metrics)
      if (r.metrics.length) appendFileSync(join(workDir, 'metrics.jsonl'), r.metrics.map((p) => JSON.stringify({ ...p, attempt: job.fence, slurmJob: slurmId }) + '\n').join(''))
      writer.logs(r.logs)
      if (r.logs.length) appendFileSync(logFile, r.logs.map((l) => `${new Date().toISOString()} ${l}\n`).join(''))
      if (r.progress) writer.setProgress(r.progress as JsonObject)
      if (r.result) records.result = r.result
      if (r.error) records.error = r.error
      writer.flushSoon()
    }
    for (;;) {
      relay()
      if (Date.now() - lastAsked >= SQUEUE_MS) {
        lastAsked = Date.now()
        const now = await jobState(slurmId).catch(() => null)
        if (now && (now.state !== last?.state || now.reason !== last?.reason)) {
          writer.logs([`slurm job ${slurmId} ${now.state}${now.reason && now.reason !== 'None' ? ` (${now.reason})` : ''}`])
          writer.flushSoon()
        }
        if (now) last = now
        if (now === null || ENDED.has(now.state)) {
          relay()
          if (stopping) return { kind: 'stopped', reason: stopping }
          // A job Slurm no longer knows ended; its report says how.
          return { kind: 'ended', end: now ?? { state: records.result ? 'COMPLETED' : 'FAILED', reason: 'forgotten by squeue and sacct' }, records }
        }
      }
      if (!stopping && lease.stopReason) {
        stopping = lease.stopReason
        log.info(`stopping (${stopping}); scancel ${slurmId}`)
        await scancel(slurmId).catch((err: Error) => log.warn(`scancel ${slurmId}: ${err.message}`))
      } else if (!stopping && !cancelSent() && (await this.cancelRequested(job.id))) {
        markCancel()
        writer.logs([`cancel requested: scancel ${slurmId}`])
        await scancel(slurmId).catch((err: Error) => log.warn(`scancel ${slurmId}: ${err.message}`))
      }
      await sleep(this.deps.config.FSDFM_POLL_MS)
    }
  }
}

function describe(p: SlurmPlacement): string {
  const ranks = p.nodes * p.ranksPerNode
  return `${p.nodes} node(s) x ${p.ranksPerNode} rank(s)${p.gpusPerNode ? ` (${p.gpusPerNode} GPU(s) per node)` : ''} = ${ranks} rank(s), ${p.partition ? `partition ${p.partition}, ` : ''}time limit ${p.minutes} min`
}

function stopOutcome(reason: StopReason): Outcome {
  if (reason === 'fenced') return { kind: 'abandon' }
  return { kind: 'handback', reason: reason === 'handback' ? 'the worker is stopping (SIGTERM); its Slurm job was cancelled' : 'the worker lost its lease on the job; its Slurm job was cancelled' }
}

