// Early-stopping rules on intermediate metrics, as pure functions of metric series: the
// controller feeds them what the store holds and acts on the decision. Both rules are
// asynchronous: a trial is judged against whatever the other trials have reported so far.
export type Mode = 'min' | 'max'
export type Points = readonly { step: number; value: number }[]

export interface MedianRule {
  kind: 'median'
  /** No decision before this step. Default 0. */
  minSteps?: number
  /** Other trials that must have reached a step before it is judged. Default 1. */
  minTrials?: number
}

export interface AshaRule {
  kind: 'asha'
  /** eta: at each rung the best 1/eta continue. Default 3. */
  reductionFactor?: number
  /** The first rung, in steps. */
  minResource: number
  /** No rung at or beyond this step. Default: none. */
  maxResource?: number
}

export type EarlyStopping = MedianRule | AshaRule

/** What a rule remembers about a trial between decisions (stored with the trial). */
export interface PruneState {
  /** ASHA: rungs the trial was promoted past. */
  passed?: number[]
  /** Median: the last step judged. */
  checkedStep?: number
}

export interface Decision {
  prune: boolean
  state: PruneState
  /** Why, when prune: a line for the trials table. */
  reason?: string
  step?: number
}

/** a strictly better than b. */
export const better = (a: number, b: number, mode: Mode): boolean => (mode === 'min' ? a < b : a > b)

/** The value last logged at or before `step`; undefined when nothing was logged by then. */
export function valueAt(points: Points, step: number): number | undefined {
  let v: number | undefined
  for (const p of points) {
    if (p.step > step) break
    v = p.value
  }
  return v
}

export const lastStep = (points: Points): number => (points.length ? points[points.length - 1].step : -1)

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Rungs minResource * eta^k, up to (excluding) maxResource and `upTo`. */
export function ashaRungs(rule: AshaRule, upTo: number): number[] {
  const eta = rule.reductionFactor ?? 3
  const rungs: number[] = []
  for (let r = rule.minResource; r <= upTo && (rule.maxResource === undefined || r < rule.maxResource); r *= eta) rungs.push(r)
  return rungs
}

/**
 * ASHA (Li et al., 2020) as a stopping rule: at each rung the trial continues only if its value
 * there is among the best max(1, floor(n / eta)) of the n trials that reached the rung so far
 * (itself included). The first trial at a rung always continues; later ones must beat the
 * field, so the worse part of every rung is stopped.
 */
export function ashaDecide(trial: Points, others: readonly Points[], rule: AshaRule, mode: Mode, state: PruneState = {}): Decision {
  const eta = rule.reductionFactor ?? 3
  const passed = [...(state.passed ?? [])]
  for (const rung of ashaRungs(rule, lastStep(trial))) {
    if (passed.includes(rung)) continue
    const mine = valueAt(trial, rung)!
    const field = [mine, ...others.filter((o) => lastStep(o) >= rung).map((o) => valueAt(o, rung)).filter((v): v is number => v !== undefined)]
    field.sort((a, b) => (better(a, b, mode) ? -1 : better(b, a, mode) ? 1 : 0))
    const keep = Math.max(1, Math.floor(field.length / eta))
    const cutoff = field[keep - 1]
    if (better(cutoff, mine, mode))
      return { prune: true, step: rung, state: { passed }, reason: `asha rung ${rung}: ${fmt(mine)} is outside the best ${keep} of ${field.length} (cutoff ${fmt(cutoff)})` }
    passed.push(rung)
  }
  return { prune: false, state: { passed } }
}

/**
 * Median stopping (Golovin et al., 2017): at each logged step s >= minSteps, the trial stops
 * when its best value so far is strictly worse than the median of the values the other
 * trials had at s (those that reached s; at least minTrials of them).
 */
export function medianDecide(trial: Points, others: readonly Points[], rule: MedianRule, mode: Mode, state: PruneState = {}): Decision {
  const minSteps = rule.minSteps ?? 0
  const minTrials = rule.minTrials ?? 1
  let checked = state.checkedStep ?? -1
  let best: number | undefined
  for (const p of trial) {
    if (best === undefined || better(p.value, best, mode)) best = p.value
    if (p.step <= checked || p.step < minSteps) continue
    const field = others.filter((o) => lastStep(o) >= p.step).map((o) => valueAt(o, p.step)).filter((v): v is number => v !== undefined)
    if (field.length < minTrials) break // the others have not got here yet: judge this step later
    checked = p.step
    const med = median(field)
    if (better(med, best, mode))
      return { prune: true, step: p.step, state: { checkedStep: checked }, reason: `median rule at step ${p.step}: best ${fmt(best)} is worse than the median ${fmt(med)} of ${field.length}` }
  }
  return { prune: false, state: { checkedStep: checked } }
}

export function decide(rule: EarlyStopping, trial: Points, others: readonly Points[], mode: Mode, state: PruneState = {}): Decision {
  return rule.kind === 'asha' ? ashaDecide(trial, others, rule, mode, state) : medianDecide(trial, others, rule, mode, state)
}

const fmt = (v: number): string => (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3))
