// Sweeps as the api sees them: create (validate the space and every trial before anything is
// stored), read (counts, trials sorted by objective, best trial, CSV) and cancel. Running
// them is the controller's part (controller.ts).
import { createHash } from 'node:crypto'
import { InvalidSpecError, ServiceError, type FieldProblem } from '../errors.ts'
import { JobNotCancellable, replayOf, visibleJobs, type IdempotencyKey, type JobService, type Submitter } from '../jobs/service.ts'
import { claimKey, KeyTaken } from '../store/idempotency.ts'
import { SweepsRepo } from '../store/sweeps.ts'
import { validateJob, type JobLookup, type ValidationLimits } from '../jobs/validate.ts'
import type { JobCreate } from '../schemas/jobs.ts'
import type { Store } from '../store/index.ts'
import type { Job, JsonObject, Sweep, SweepTrial } from '../store/types.ts'
import { withSweepLock } from './lock.ts'
import { byObjective, checkJudgedBudget, checkObjective, sourceOf } from './objective.ts'
import type { PruneState } from './pruning.ts'
import type { Logger } from '../util/log.ts'
import {
  ACTIVE_TRIAL_STATES,
  TRIAL_STATES,
  type StoredSweepSpec,
  type SweepCreate,
  type SweepState,
  type SweepSummary,
  type SweepView,
  type TrialState,
  type TrialView,
} from './schemas.ts'
import { applyParams, checkDomain, checkSpecPath, gridSize, planTrials, type Space } from './space.ts'

/** A sampler sweep (a sample job on a checkpoint) varies these only: the loaded model stays the same. */
export const SAMPLER_PARAMS = ['solver', 'steps', 'stepSizes', 'temperature'] as const
export const DEFAULT_RANDOM_TRIALS = 10
const MAX_GRID = 1000
const MAX_DETAILS = 20

/** JSON-schema validation of a job body, filling its defaults in place (the route's own validator). */
export type SchemaCheck = (body: JobCreate) => FieldProblem[]

export interface SweepDeps {
  store: Store
  jobService: JobService
  limits: ValidationLimits
  log?: Logger
}

/** The trial row's metrics column. */
export interface TrialRecord extends JsonObject {
  values: Record<string, number | boolean>
  step: number | null
  note?: string
  prune?: PruneState
  /** The job is terminal and values are its last. */
  final?: boolean
}

export class SweepNotCancellable extends ServiceError {
  constructor(public readonly sweep: { id: string; state: string }) {
    super('not_cancellable', `sweep ${sweep.id} is already ${sweep.state}`)
    this.name = 'SweepNotCancellable'
  }
}


export const sweepTag = (sweepId: string): string => `sweep:${sweepId}`

/** The job id of trial k: derived from (sweep, k), so creating it twice finds the first one. */
export function trialJobId(sweepId: string, index: number): string {
  const h = createHash('sha256').update(`fsdfm.sweep-trial:${sweepId}:${index}`).digest('hex')
  // Version 8 (custom) and the RFC 4122 variant, so it is a well-formed UUID.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** The job body of trial k: the stored base with the trial's parameters written in. */
export function trialBody(sweepId: string, spec: StoredSweepSpec, index: number): JobCreate {
  const base = spec.request.base
  return {
    ...base,
    spec: applyParams(base.spec as Record<string, unknown>, spec.plan[index]),
    tags: [...base.tags, sweepTag(sweepId)],
    name: `${spec.request.name ?? `sweep ${sweepId.slice(0, 8)}`} #${index}`,
  } as JobCreate
}

export const recordOf = (t: SweepTrial): TrialRecord => ({ values: {}, step: null, ...((t.metrics ?? {}) as Partial<TrialRecord>) })

export function trialView(t: SweepTrial): TrialView {
  const r = recordOf(t)
  return {
    index: t.trialIndex,
    state: t.state as TrialState,
    jobId: t.jobId,
    params: t.params,
    objective: t.objective,
    metrics: r.values,
    step: r.step,
    note: r.note ?? null,
    updatedAt: t.updatedAt,
  }
}

function countsOf(byState: Record<string, number>, planned: number): Record<TrialState, number> {
  const counts = Object.fromEntries(TRIAL_STATES.map((s) => [s, byState[s] ?? 0])) as Record<TrialState, number>
  const created = Object.values(byState).reduce((a, b) => a + b, 0)
  counts.pending += Math.max(0, planned - created) // not yet launched
  return counts
}

function summaryOf(sweep: Sweep<StoredSweepSpec>, byState: Record<string, number>): SweepSummary {
  const spec = sweep.spec
  return {
    id: sweep.id,
    project: sweep.project,
    createdBy: sweep.createdBy,
    name: spec.request.name ?? null,
    state: sweep.state as SweepState,
    kind: spec.request.base.kind,
    method: spec.request.method,
    sampler: spec.sampler,
    objective: spec.request.objective,
    total: spec.plan.length,
    counts: countsOf(byState, spec.plan.length),
    createdAt: sweep.createdAt,
    updatedAt: sweep.updatedAt,
  }
}

export function sweepView(sweep: Sweep<StoredSweepSpec>, trials: SweepTrial[]): SweepView {
  const spec = sweep.spec
  const byState: Record<string, number> = {}
  for (const t of trials) byState[t.state] = (byState[t.state] ?? 0) + 1
  const sorted = [...trials].sort(byObjective(spec.request.objective.mode))
  const best = sorted.find((t) => t.state === 'succeeded' && t.objective !== null)
  return {
    ...summaryOf(sweep, byState),
    best: best ? trialView(best) : null,
    trials: sorted.map(trialView),
    spec: spec.request,
  }
}

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The trials table as CSV: one row per trial, best first; a column per parameter and per key metric. */
export function trialsCsv(view: SweepView): string {
  const params = Object.keys((view.spec as { space: Space }).space)
  const metrics = [...new Set(view.trials.flatMap((t) => Object.keys(t.metrics)))].sort()
  // A metric named like a parameter (a sample result's `steps`) gets a prefix, so no two columns share a name.
  const header = ['trial', 'state', 'objective', ...params, ...metrics.map((m) => (params.includes(m) ? `metric.${m}` : m)), 'jobId', 'note']
  const rows = view.trials.map((t) => [
    t.index,
    t.state,
    t.objective,
    ...params.map((p) => (t.params as Record<string, unknown>)[p]),
    ...metrics.map((m) => (t.metrics as Record<string, unknown>)[m]),
    t.jobId,
    t.note,
  ])
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n'
}

export class SweepService {
  constructor(private readonly deps: SweepDeps) {}

  /**
   * Checks the space against the base spec's schema, draws the trial plan, and validates every
   * trial's job body (schema, then the same reference and size checks a job submission gets):
   * a 400 names the offending /space/<path> or /base field, and nothing is stored.
   */
  async create(req: SweepCreate, checkSchema: SchemaCheck, who: Submitter): Promise<{ view: SweepView; replayed: boolean }> {
    const earlier = await this.replay(who.idempotency)
    if (earlier) return { view: (await this.get(earlier))!, replayed: true }
    const problems: FieldProblem[] = []
    const { base, space, method } = req
    const paths = Object.keys(space)
    for (const path of paths) {
      const where = `/space/${path}`
      const unknown = checkSpecPath(base.kind, path)
      if (unknown) problems.push({ path: where, message: unknown })
      for (const m of checkDomain(space[path], method)) problems.push({ path: where, message: m })
      const parent = paths.find((p) => path.startsWith(`${p}.`))
      if (parent) problems.push({ path: where, message: `overlaps ${parent}, which is varied as a whole` })
    }
    const sampler = base.kind === 'sample' && typeof base.spec.checkpointJobId === 'string'
    if (sampler)
      for (const path of paths)
        if (!(SAMPLER_PARAMS as readonly string[]).includes(path))
          problems.push({ path: `/space/${path}`, message: `a sweep of sample jobs on a checkpoint varies ${SAMPLER_PARAMS.join(', ')} only` })

    const source = sourceOf(req.objective.metric)
    const unknownObjective = checkObjective(base, req.objective.metric)
    if (unknownObjective) problems.push({ path: '/objective/metric', message: unknownObjective })
    if (req.earlyStopping && source !== 'series')
      problems.push({ path: '/earlyStopping', message: `early stopping reads intermediate values of a metric series; ${req.objective.metric} is known only when a trial ends` })
    if (base.tags.length >= 32) problems.push({ path: '/base/tags', message: 'at most 31 tags: each trial also gets the sweep tag' })
    if (base.project !== undefined && base.project !== who.project) problems.push({ path: '/base/project', message: `trials belong to the sweep's project (${who.project}); leave base.project out or make it the same` })

    let maxTrials = req.maxTrials ?? DEFAULT_RANDOM_TRIALS
    if (method === 'grid' && problems.length === 0) {
      const size = gridSize(space)
      if (size > MAX_GRID) problems.push({ path: '/space', message: `the grid has ${size} points; at most ${MAX_GRID}` })
      maxTrials = Math.min(req.maxTrials ?? size, size)
    }
    if (problems.length) throw new InvalidSpecError(problems)

    const plan = planTrials(space, method, req.seed, maxTrials)
    if (source === 'judged') {
      const budget = checkJudgedBudget(req.objective, plan.map((p) => applyParams(base.spec as Record<string, unknown>, p)))
      if (budget) throw new InvalidSpecError([{ path: '/objective/at', message: budget }])
    }
    const normalised = await this.checkTrials(req, plan, checkSchema, who)
    const spec: StoredSweepSpec = {
      // The base as trial 0 normalised it: objects a dotted path created carry their defaults.
      request: { ...req, base: { ...req.base, spec: normalised.spec } as JobCreate, method, maxTrials },
      plan,
      sampler,
    }
    const key = who.idempotency
    let sweep
    try {
      sweep = await this.deps.store.db.tx(async (t) => {
        const created = await new SweepsRepo(t).create({ spec, state: 'running', project: who.project, createdBy: who.subject })
        // A concurrent retry made it: throwing rolls this one back.
        if (key && !(await claimKey(t, key.scope, key.route, key.key, key.bodyHash, { id: created.id }))) throw new KeyTaken()
        return created
      })
    } catch (err) {
      if (!(err instanceof KeyTaken)) throw err
      return { view: (await this.get((await this.replay(key))!))!, replayed: true }
    }
    this.deps.log?.info({ component: 'sweeps', sweepId: sweep.id }, `${plan.length} trials of ${base.kind} (${method})`)
    return { view: sweepView(sweep, []), replayed: false }
  }

  private replay(key: IdempotencyKey | undefined): Promise<string | null> {
    return replayOf(this.deps.store.db, key)
  }

  /** Validates each trial's body; returns trial 0's, defaults filled in. */
  private async checkTrials(req: SweepCreate, plan: Record<string, unknown>[], checkSchema: SchemaCheck, who: Submitter): Promise<JobCreate> {
    const memo = new Map<string, Promise<Job | null>>()
    const visible = visibleJobs(this.deps.store.jobs, who)
    const lookup: JobLookup = {
      get: (id) => {
        if (!memo.has(id)) memo.set(id, visible.get(id))
        return memo.get(id)!
      },
    }
    const paths = Object.keys(req.space)
    const seen = new Set<string>()
    const details: FieldProblem[] = []
    let first: JobCreate | null = null
    for (let i = 0; i < plan.length && details.length < MAX_DETAILS; i++) {
      const body = structuredClone({ ...req.base, spec: applyParams(req.base.spec as Record<string, unknown>, plan[i]) }) as JobCreate
      let problems = checkSchema(body)
      if (!problems.length) problems = await validateJob(body, lookup, this.deps.limits, this.deps.store.uploads)
      if (i === 0) first = body
      for (const p of problems) {
        // /spec/model/hidden -> model.hidden: a varied path reports at /space/<path>, the rest at /base.
        const dotted = p.path.replace(/^\/spec\/?/, '').split('/').join('.')
        const varied = p.path.startsWith('/spec') ? paths.find((s) => dotted === s || dotted.startsWith(`${s}.`) || s.startsWith(`${dotted}.`)) : undefined
        const problem = varied
          ? { path: `/space/${varied}`, message: `trial ${i} (${JSON.stringify(plan[i][varied])}): ${p.message}` }
          : { path: `/base${p.path === '/' ? '' : p.path}`, message: p.message }
        const key = varied ? `${problem.path} ${p.message}` : `${problem.path} ${problem.message}`
        if (!seen.has(key)) {
          seen.add(key)
          details.push(problem)
        }
      }
    }
    if (details.length) throw new InvalidSpecError(details)
    return first!
  }

  async get(id: string): Promise<SweepView | null> {
    const sweep = await this.deps.store.sweeps.get<StoredSweepSpec>(id)
    if (!sweep) return null
    return sweepView(sweep, await this.deps.store.sweeps.listTrials(id))
  }

  async list(q: { state?: string; limit?: number; projects?: string[] }): Promise<SweepSummary[]> {
    const sweeps = await this.deps.store.sweeps.list<StoredSweepSpec>(q)
    const counts = await this.deps.store.sweeps.countTrials(sweeps.map((s) => s.id))
    return sweeps.map((s) => summaryOf(s, counts.get(s.id) ?? {}))
  }

  /** The sweep ends cancelled; its queued trials never start and its running ones are stopped. */
  async cancel(id: string, by: string | null = null): Promise<SweepView | null> {
    const { store, jobService } = this.deps
    const out = await withSweepLock(store, id, true, async () => {
      const sweep = await store.sweeps.get<StoredSweepSpec>(id)
      if (!sweep) return null
      const cancelled = await store.sweeps.transition<StoredSweepSpec>(id, ['running'], 'cancelled')
      if (!cancelled) throw new SweepNotCancellable(sweep)
      for (const t of await store.sweeps.listTrials(id)) {
        if (!(ACTIVE_TRIAL_STATES as readonly string[]).includes(t.state)) continue
        if (t.jobId) await jobService.cancel(t.jobId, by).catch((err) => {
          if (!(err instanceof JobNotCancellable)) throw err
        })
        await store.sweeps.updateTrial(id, t.trialIndex, ACTIVE_TRIAL_STATES, { state: 'cancelled', metrics: { ...recordOf(t), note: 'the sweep was cancelled' } })
      }
      return sweepView(cancelled, await store.sweeps.listTrials(id))
    })
    return typeof out === 'symbol' ? null : out
  }
}
