// The sweep controller: runs in every api process and advances each running sweep, one
// process at a time per sweep (lock.ts). All its state is in the store, so a restarted (or a
// second) api picks up where the last one stopped. One step of a sweep:
//   1. follow the trial jobs: states, key metrics, objectives of finished trials;
//   2. early stopping: judge running trials on the objective series, cancel the stopped ones;
//   3. launch trials up to maxConcurrent (trial rows keyed by (sweep, index), job ids derived
//      from them: a trial created twice is the same trial with the same job);
//   4. end the sweep when every planned trial (and its job) has ended.
import { JobNotCancellable } from '../jobs/service.ts'
import { validateJob } from '../jobs/validate.ts'
import { isStoreUnavailable } from '../store/db.ts'
import type { Job, JsonObject, Sweep, SweepTrial } from '../store/types.ts'
import { silentLogger, type Logger } from '../util/log.ts'
import { PassLoop } from '../util/loop.ts'
import { busy, withSweepLock } from './lock.ts'
import { byObjective, keyMetrics, objectiveOf, sourceOf } from './objective.ts'
import { decide, type Points } from './pruning.ts'
import { ACTIVE_TRIAL_STATES, TERMINAL_TRIAL_STATES, type StoredSweepSpec, type TrialState } from './schemas.ts'
import { recordOf, trialBody, trialJobId, type SweepDeps, type TrialRecord } from './service.ts'

export interface ControllerOptions {
  /** Pause between passes over the running sweeps. Default 500 ms. */
  intervalMs?: number
}

const isActive = (s: string) => (ACTIVE_TRIAL_STATES as readonly string[]).includes(s)
const isTerminal = (s: string) => (TERMINAL_TRIAL_STATES as readonly string[]).includes(s)

export class SweepController {
  private readonly loop: PassLoop
  private readonly log: Logger

  constructor(
    private readonly deps: SweepDeps,
    opts: ControllerOptions = {},
  ) {
    this.log = (deps.log ?? silentLogger()).child({ component: 'sweeps' })
    this.loop = new PassLoop(
      () =>
        this.tick(true).catch((err) => {
          // An outage is said in a line (the next pass tries again); anything else with its stack.
          if (isStoreUnavailable(err)) this.log.warn(`pass failed: ${(err as Error).message}`)
          else this.log.error({ err }, `pass failed: ${(err as Error).message}`)
        }),
      opts.intervalMs ?? 500,
    )
  }

  start(): void {
    this.loop.start()
  }

  /** Finishes the pass in progress, then stops. */
  stop(): Promise<void> {
    return this.loop.stop()
  }

  /** One pass over every running sweep (in the loop: cut short when it stops). */
  async tick(inLoop = false): Promise<void> {
    for (const sweep of await this.deps.store.sweeps.list({ state: 'running', limit: 500 })) {
      if (inLoop && !this.loop.running) return
      try {
        await this.advance(sweep.id)
      } catch (err) {
        this.log.error({ sweepId: sweep.id, err }, (err as Error).message)
      }
    }
  }

  /** One step of one sweep; false when another process holds it right now. */
  async advance(sweepId: string): Promise<boolean> {
    const out = await withSweepLock(this.deps.store, sweepId, false, () => this.step(sweepId))
    return out !== busy
  }

  private async step(sweepId: string): Promise<void> {
    const { store } = this.deps
    const sweep = await store.sweeps.get<StoredSweepSpec>(sweepId)
    if (!sweep || sweep.state !== 'running') return
    const spec = sweep.spec
    const { objective, earlyStopping, maxConcurrent } = spec.request

    let trials = await store.sweeps.listTrials(sweepId)
    const jobIds = trials.map((t) => t.jobId).filter((id): id is string => !!id)
    const series = sourceOf(objective.metric) === 'series' ? await store.sweeps.trialSeries(jobIds, objective.metric) : new Map<string, Points>()

    // 1. Follow the trial jobs.
    const followed = trials.filter((t) => isActive(t.state) || (t.state === 'pruned' && !recordOf(t).final))
    const last = await store.sweeps.trialLastMetrics(followed.map((t) => t.jobId).filter((id): id is string => !!id))
    const running = new Map<number, Job>()
    for (const t of followed) {
      if (t.state === 'pending') {
        await this.launch(sweep, spec, t)
        continue
      }
      const job = t.jobId ? await store.jobs.get(t.jobId) : null
      if (!job) {
        await this.end(t, 'failed', { note: `its job ${t.jobId} is gone` })
        continue
      }
      const lastPoints = last.get(job.id) ?? {}
      const values = keyMetrics(job, Object.fromEntries(Object.entries(lastPoints).map(([k, p]) => [k, p.value])))
      const steps = Object.values(lastPoints).map((p) => p.step)
      const record: TrialRecord = { ...recordOf(t), values, step: steps.length ? Math.max(...steps) : null }
      const terminal = job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled'
      if (t.state === 'pruned') {
        if (job.state === 'succeeded') {
          // The stop came too late: the job had finished its last step before it saw the cancel.
          // A complete run is judged as one, not reported as stopped early.
          const ended = await store.sweeps.updateTrial(sweepId, t.trialIndex, ['pruned'], {
            state: 'succeeded',
            metrics: { ...record, final: true, note: 'finished before the prune reached it' },
            objective: objectiveOf(objective, job, series.get(job.id)),
          })
          if (ended) this.log.info({ sweepId, jobId: t.jobId }, `trial ${t.trialIndex} finished before its prune took effect`)
        } else if (terminal) {
          // Keep what the trial logged up to the moment its job stopped.
          await store.sweeps.updateTrial(sweepId, t.trialIndex, ['pruned'], { metrics: { ...record, final: true } })
        }
        continue
      }
      switch (job.state) {
        case 'queued':
          break // on its queue: the store's outbox and reconciler see to that
        case 'running':
        case 'cancelling':
          running.set(t.trialIndex, job)
          if (t.state !== 'running' || record.step !== recordOf(t).step) await store.sweeps.updateTrial(sweepId, t.trialIndex, ['queued', 'running'], { state: 'running', metrics: record })
          break
        case 'succeeded':
          await this.end(t, 'succeeded', { ...record, final: true }, objectiveOf(objective, job, series.get(job.id)))
          break
        case 'failed':
          await this.end(t, 'failed', { ...record, final: true, note: job.error?.message ?? 'the job failed' })
          break
        case 'cancelled':
          await this.end(t, 'cancelled', { ...record, final: true, note: 'its job was cancelled' })
          break
      }
    }

    // 2. Early stopping.
    if (earlyStopping) {
      trials = await store.sweeps.listTrials(sweepId)
      for (const t of trials) {
        const job = running.get(t.trialIndex)
        if (!job || t.state !== 'running' || job.state !== 'running') continue
        const mine = series.get(job.id) ?? []
        const others = trials.filter((o) => o.trialIndex !== t.trialIndex && o.jobId).map((o) => series.get(o.jobId!) ?? [])
        const record = recordOf(t)
        // A trial that has already logged its last step (judged late, say after an api restart)
        // has nothing left to save: let it finish and be judged on its result.
        const total = 'steps' in job.spec && typeof job.spec.steps === 'number' ? job.spec.steps : null
        if (total !== null && record.step !== null && record.step !== undefined && record.step >= total) continue
        const decision = decide(earlyStopping, mine, others, objective.mode, record.prune)
        if (decision.prune) {
          const pruned = await store.sweeps.updateTrial(sweepId, t.trialIndex, ['running'], { state: 'pruned', metrics: { ...record, prune: decision.state, note: decision.reason } })
          if (pruned) {
            const stopped = await this.deps.jobService.cancel(job.id).then(
              () => true,
              (err) => {
                if (!(err instanceof JobNotCancellable)) throw err
                return false
              },
            )
            // The job ended between the look and the decision (e.g. while no api process was up):
            // it ran to the end, so it is judged as a finished trial on the next pass, not pruned.
            if (stopped) this.log.info({ sweepId, jobId: t.jobId }, `trial ${t.trialIndex} pruned: ${decision.reason}`)
            else await store.sweeps.updateTrial(sweepId, t.trialIndex, ['pruned'], { state: 'running', metrics: record })
          }
        } else if (JSON.stringify(decision.state) !== JSON.stringify(record.prune ?? {})) {
          await store.sweeps.updateTrial(sweepId, t.trialIndex, ['running'], { metrics: { ...record, prune: decision.state } })
        }
      }
    }

    // 3. Launch trials up to maxConcurrent.
    trials = await store.sweeps.listTrials(sweepId)
    let active = trials.filter((t) => isActive(t.state)).length
    let next = trials.length ? Math.max(...trials.map((t) => t.trialIndex)) + 1 : 0
    while (active < maxConcurrent && next < spec.plan.length) {
      const trial = await store.sweeps.insertTrial(sweepId, { trialIndex: next, params: spec.plan[next], state: 'pending', jobId: trialJobId(sweepId, next) })
      if (trial) await this.launch(sweep, spec, trial)
      active++
      next++
    }

    // 4. The end.
    trials = await store.sweeps.listTrials(sweepId)
    // A pruned trial's job is still stopping until its record is final: wait for it, so the
    // sweep ends with every job ended and every trial's last metrics in.
    if (trials.length === spec.plan.length && trials.every((t) => isTerminal(t.state) && (t.state !== 'pruned' || recordOf(t).final))) {
      const best = [...trials].sort(byObjective(objective.mode)).find((t) => t.state === 'succeeded' && t.objective !== null)
      const counts: Record<string, number> = {}
      for (const t of trials) counts[t.state] = (counts[t.state] ?? 0) + 1
      const state = trials.some((t) => t.state === 'succeeded') ? 'succeeded' : 'failed'
      const result = { counts, best: best ? { index: best.trialIndex, params: best.params, objective: best.objective, jobId: best.jobId } : null }
      if (await store.sweeps.transition(sweepId, ['running'], state, result as JsonObject))
        this.log.info({ sweepId }, `sweep ${state}${best ? `: best trial ${best.trialIndex} (${objective.metric} ${best.objective})` : ''}`)
    }
  }

  /** Creates the trial's job (once: its id is derived from the trial) and queues it. */
  private async launch(sweep: Sweep<StoredSweepSpec>, spec: StoredSweepSpec, trial: SweepTrial): Promise<void> {
    const { store, limits } = this.deps
    const body = trialBody(sweep.id, spec, trial.trialIndex)
    const jobId = trial.jobId ?? trialJobId(sweep.id, trial.trialIndex)
    if (!(await store.jobs.get(jobId))) {
      // The references were checked when the sweep was created; check again, they may be gone.
      const problems = await validateJob(body, store.jobs, limits, store.uploads)
      if (problems.length) {
        await this.end(trial, 'failed', { ...recordOf(trial), note: problems.map((p) => `${p.path}: ${p.message}`).join('; ') })
        return
      }
      try {
        // Trials belong to the sweep's project and creator; the sweep's creation checked the access.
        await this.deps.jobService.create(body, { id: jobId, sweepId: sweep.id, who: { subject: sweep.createdBy, project: sweep.project, canSee: () => true } })
      } catch (err) {
        // Created meanwhile (another api process): the same trial, the same job.
        if ((err as { code?: string }).code !== '23505') throw err
      }
    }
    await store.sweeps.updateTrial(sweep.id, trial.trialIndex, ['pending'], { state: 'queued' })
  }

  private async end(t: SweepTrial, state: TrialState, metrics: Partial<TrialRecord>, objective?: number | null): Promise<void> {
    const ended = await this.deps.store.sweeps.updateTrial(t.sweepId, t.trialIndex, ACTIVE_TRIAL_STATES, {
      state,
      metrics: { ...recordOf(t), ...metrics },
      ...(objective !== undefined ? { objective } : {}),
    })
    if (ended) this.log.info({ sweepId: t.sweepId, jobId: t.jobId }, `trial ${t.trialIndex} ${state}${objective != null ? ` (objective ${objective})` : ''}`)
  }
}
