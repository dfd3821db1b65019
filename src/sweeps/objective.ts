// Where a trial's objective comes from. Four sources, told apart by the metric name:
//   - a metric series the job records (e.g. `train/loss`): its value at step `at` (the value
//     last logged at or before it), or its last value;
//   - `result.<dotted path>`: a number in the job's result (e.g. `result.wallSeconds`,
//     `result.finalLoss`, a field of an evaluate report);
//   - a sample statistic computed here from a sample job's tokens (the Python sample result
//     carries no quality score): `sample/entropy` and `sample/distinct` below;
//   - a judged quality of an evaluate job at the step budget `at`: `genPpl` (generative
//     perplexity under the first judge), `genPpl/<judge>` (e.g. genPpl/ngram3, genPpl/arm), or
//     `entropy` (mean per-sample token entropy, nats), of the first evaluated model.
// `validObjectives` lists what a sweep of a given base may use; anything else is refused at
// creation, so a typo is a 400 rather than a sweep whose trials all end without an objective.
import type { Job } from '../store/types.ts'
import { DEFAULT_STEP_BUDGETS, type JobCreate } from '../schemas/jobs.ts'
import { valueAt, type Mode, type Points } from './pruning.ts'
import { getPath } from './space.ts'

export interface Objective {
  metric: string
  mode: Mode
  /** Series objectives: the step (budget) the value is read at. Default: the last value. */
  at?: number
}

/**
 * Sample statistics (sample jobs only):
 *   sample/entropy  mean over samples of the Shannon entropy (nats, like the evaluate
 *                   report's entropy) of the sample's token frequencies: low when a sampler
 *                   repeats itself, ln(seqLen) at most;
 *   sample/distinct distinct tokens / all tokens over all samples (distinct-1).
 */
export const SAMPLE_STATISTICS = ['sample/entropy', 'sample/distinct'] as const

/** The series the Python jobs record (train.py, evaluate.py); extend when a job logs a new one. */
export const TRAINING_SERIES = ['train/loss', 'train/lr', 'train/grad_norm', 'train/tokens_per_s'] as const
const EVAL_SERIES = /^eval\/.+\/genPpl$/

export type ObjectiveSource = 'series' | 'result' | 'sample' | 'judged'

export function sourceOf(metric: string): ObjectiveSource {
  if (metric.startsWith('result.')) return 'result'
  if ((SAMPLE_STATISTICS as readonly string[]).includes(metric)) return 'sample'
  if (metric === 'genPpl' || metric.startsWith('genPpl/') || metric === 'entropy') return 'judged'
  return 'series'
}

/** The name a judge of an evaluate spec reports under (python/fsdfm/judges.py). */
export function judgeName(judge: { kind: string; order?: number; path?: string }): string {
  if (judge.kind === 'ngram') return `ngram${judge.order ?? 3}`
  if (judge.kind === 'hf') return `hf:${(judge.path ?? '').replace(/\/+$/, '').split('/').pop()}`
  return judge.kind
}

const DEFAULT_JUDGES = [{ kind: 'ngram', order: 3 }]

/**
 * The objectives a sweep over `base` may optimise, as written in a request (`<...>` stands for
 * a free part). A metric is valid when it is one of these or matches a pattern among them.
 */
export function validObjectives(base: JobCreate): string[] {
  switch (base.kind) {
    case 'pretrain':
    case 'distill':
      return [...TRAINING_SERIES, 'result.<path>']
    case 'evaluate': {
      const judges = ((base.spec as { judges?: { kind: string }[] }).judges ?? DEFAULT_JUDGES).map(judgeName)
      return ['genPpl', ...judges.map((j) => `genPpl/${j}`), 'entropy', 'eval/<model>/genPpl', 'result.<path>']
    }
    case 'sample':
      return [...SAMPLE_STATISTICS, 'result.<path>']
    default:
      return ['result.<path>']
  }
}

/** Why `metric` cannot be the objective of a sweep over `base`, or null when it can. */
export function checkObjective(base: JobCreate, metric: string): string | null {
  const valid = validObjectives(base)
  const ok =
    valid.includes(metric) ||
    (metric.startsWith('result.') && metric.length > 'result.'.length) ||
    (base.kind === 'evaluate' && EVAL_SERIES.test(metric))
  return ok ? null : `unknown objective ${JSON.stringify(metric)} for a sweep of ${base.kind} jobs; valid: ${valid.join(', ')}`
}

const DEFAULT_BUDGETS: number[] = DEFAULT_STEP_BUDGETS

/**
 * A judged objective reads one step budget: `at`, which every trial must evaluate, or the one
 * budget all trials have. `specs` are the trial specs (the base with each trial's parameters).
 */
export function checkJudgedBudget(objective: Objective, specs: Record<string, unknown>[]): string | null {
  const budgetsOf = (spec: Record<string, unknown>) => (Array.isArray(spec.stepBudgets) ? (spec.stepBudgets as number[]) : DEFAULT_BUDGETS)
  if (objective.at === undefined) {
    const single = specs.every((s) => budgetsOf(s).length === 1)
    return single ? null : `${objective.metric} is read at one step budget: set objective.at to one of the trials' stepBudgets`
  }
  const without = specs.findIndex((s) => !budgetsOf(s).includes(objective.at!))
  return without < 0 ? null : `trial ${without} does not evaluate ${objective.at} steps (stepBudgets ${JSON.stringify(budgetsOf(specs[without]))})`
}

/** The model, judge and field a judged objective reads from an evaluate report. */
function judgedValue(metric: string, at: number | undefined, job: Job): number | null {
  const report = (job.result as { report?: { models?: Record<string, { budgets?: Record<string, Record<string, unknown>> }>; judges?: string[] } } | null)?.report
  const first = report?.models ? Object.values(report.models)[0] : undefined
  const budgets = first?.budgets ?? {}
  const keys = Object.keys(budgets)
  const budget = at !== undefined ? budgets[String(at)] : keys.length === 1 ? budgets[keys[0]] : undefined
  if (!budget) return null
  if (metric === 'entropy') return typeof budget.entropy === 'number' ? budget.entropy : null
  const judge = metric === 'genPpl' ? report?.judges?.[0] : metric.slice('genPpl/'.length)
  const v = judge === undefined ? undefined : (budget.genPpl as Record<string, unknown> | undefined)?.[judge]
  return typeof v === 'number' ? v : null
}

type Samples = { tokens: number[] }[]

const samplesOf = (job: Job): Samples | null => {
  const s = (job.result as { samples?: unknown } | null)?.samples
  return Array.isArray(s) && s.every((x) => Array.isArray((x as { tokens?: unknown })?.tokens)) ? (s as Samples) : null
}

export function tokenEntropy(tokens: readonly number[]): number {
  if (!tokens.length) return 0
  const counts = new Map<number, number>()
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1)
  let h = 0
  for (const c of counts.values()) {
    const p = c / tokens.length
    h -= p * Math.log(p)
  }
  return h
}

export function sampleStatistics(samples: Samples): Record<(typeof SAMPLE_STATISTICS)[number], number> {
  const all = samples.flatMap((s) => s.tokens)
  return {
    'sample/entropy': samples.length ? samples.reduce((a, s) => a + tokenEntropy(s.tokens), 0) / samples.length : 0,
    'sample/distinct': all.length ? new Set(all).size / all.length : 0,
  }
}

/** The objective of a finished job; null when the job does not have it. */
export function objectiveOf(objective: Objective, job: Job, series: Points | undefined): number | null {
  const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
  switch (sourceOf(objective.metric)) {
    case 'series':
      if (!series?.length) return null
      return finite(objective.at === undefined ? series[series.length - 1].value : valueAt(series, objective.at))
    case 'result':
      return finite(getPath(job.result ?? {}, objective.metric.slice('result.'.length)))
    case 'sample': {
      const samples = samplesOf(job)
      return samples ? sampleStatistics(samples)[objective.metric as (typeof SAMPLE_STATISTICS)[number]] : null
    }
    case 'judged':
      return finite(judgedValue(objective.metric, objective.at, job))
  }
}

/** Headline numbers of a job for the trials table: the last value of each series, plus the result's scalars. */
export function keyMetrics(job: Job, last: Record<string, number>): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = { ...last }
  const r = job.result ?? {}
  for (const k of ['finalLoss', 'finalStep', 'wallSeconds', 'cacheHit', 'steps'] as const) {
    const v = r[k]
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = v
  }
  const samples = samplesOf(job)
  if (samples) Object.assign(out, sampleStatistics(samples))
  // An evaluate trial: the first model's judged perplexity (first judge) and entropy per budget.
  const report = (r as { report?: { models?: Record<string, { budgets?: Record<string, { genPpl?: Record<string, unknown>; entropy?: unknown }> }>; judges?: string[] } }).report
  const first = report?.models ? Object.values(report.models)[0] : undefined
  const judge = report?.judges?.[0]
  for (const [steps, row] of Object.entries(first?.budgets ?? {})) {
    const ppl = judge === undefined ? undefined : row.genPpl?.[judge]
    if (typeof ppl === 'number') out[`genPpl@${steps}`] = ppl
    if (typeof row.entropy === 'number') out[`entropy@${steps}`] = row.entropy
  }
  return out
}

/** Sorts best first (by mode); trials without an objective last, then by index. */
export function byObjective<T extends { objective: number | null; trialIndex: number }>(mode: Mode) {
  return (a: T, b: T): number => {
    if (a.objective === null || b.objective === null) {
      if (a.objective !== b.objective) return a.objective === null ? 1 : -1
      return a.trialIndex - b.trialIndex
    }
    if (a.objective !== b.objective) return mode === 'min' ? a.objective - b.objective : b.objective - a.objective
    return a.trialIndex - b.trialIndex
  }
}
