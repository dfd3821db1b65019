// Where a trial's objective comes from. Three sources, told apart by the metric name:
//   - a metric series the job records (e.g. `train/loss`): its value at step `at` (the value
//     last logged at or before it), or its last value;
//   - `result.<dotted path>`: a number in the job's result (e.g. `result.wallSeconds`,
//     `result.finalLoss`, a field of an evaluate report);
//   - a sample statistic computed here from a sample job's tokens (the Python sample result
//     carries no quality score): `sample/entropy` and `sample/distinct` below.
import type { Job } from '../store/types.ts'
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
 *   sample/entropy  mean over samples of the Shannon entropy (bits) of the sample's token
 *                   frequencies: low when a sampler repeats itself, log2(seqLen) at most;
 *   sample/distinct distinct tokens / all tokens over all samples (distinct-1).
 */
export const SAMPLE_STATISTICS = ['sample/entropy', 'sample/distinct'] as const

export type ObjectiveSource = 'series' | 'result' | 'sample'

export function sourceOf(metric: string): ObjectiveSource {
  if (metric.startsWith('result.')) return 'result'
  if ((SAMPLE_STATISTICS as readonly string[]).includes(metric)) return 'sample'
  return 'series'
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
    h -= p * Math.log2(p)
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
