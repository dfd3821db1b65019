// Early-stopping rules on synthetic metric series.
import t from 'tap'
import { ashaDecide, ashaRungs, decide, median, medianDecide, valueAt } from '../../src/sweeps/pruning.ts'

/** A loss curve logged every 2 steps: start - slope * step. */
const curve = (start: number, slope: number, upTo: number) => Array.from({ length: upTo / 2 }, (_, i) => ({ step: 2 * (i + 1), value: start - slope * 2 * (i + 1) }))

t.test('helpers', async (t) => {
  t.equal(median([3, 1, 2]), 2)
  t.equal(median([4, 1, 2, 3]), 2.5)
  const pts = curve(10, 1, 8)
  t.equal(valueAt(pts, 1), undefined)
  t.equal(valueAt(pts, 5), 6, 'the value last logged at or before the step')
  t.strictSame(ashaRungs({ kind: 'asha', minResource: 2, reductionFactor: 2 }, 20), [2, 4, 8, 16])
  t.strictSame(ashaRungs({ kind: 'asha', minResource: 2, reductionFactor: 3, maxResource: 18 }, 100), [2, 6])
})

t.test('ASHA: the first trial at a rung continues; later ones must be in the best 1/eta', async (t) => {
  const rule = { kind: 'asha' as const, minResource: 4, reductionFactor: 2 }
  const good = curve(10, 0.5, 16)
  const better = curve(9, 0.5, 16)
  const bad = curve(12, 0.1, 8)
  t.equal(ashaDecide(good, [], rule, 'min').prune, false, 'alone at every rung')
  t.strictSame(ashaDecide(good, [], rule, 'min').state.passed, [4, 8, 16])
  t.equal(ashaDecide(better, [good], rule, 'min').prune, false, 'better than the field')
  const d = ashaDecide(bad, [good], rule, 'min')
  t.equal(d.prune, true, 'worse than the only other trial: floor(2/2) = 1 continues')
  t.equal(d.step, 4)
  t.match(d.reason, /asha rung 4/)
  t.equal(ashaDecide(bad, [good, better], rule, 'max').prune, false, 'mode max turns it around')
  // Rungs already passed are not judged again, even if the field got better since.
  t.equal(ashaDecide(bad.slice(0, 2), [good, better], rule, 'min', { passed: [4] }).prune, false)
  // A trial that has not reached the first rung is not judged.
  t.equal(ashaDecide(bad.slice(0, 1), [good], rule, 'min').prune, false)
  // Only trials that reached the rung compete: a short other trial does not count.
  t.equal(ashaDecide(curve(11, 0.5, 16), [curve(1, 0, 2)], { ...rule, minResource: 8 }, 'min').prune, false)
})

t.test('ASHA stops the worse half of a field deterministically', async (t) => {
  const rule = { kind: 'asha' as const, minResource: 4, reductionFactor: 2 }
  const finals = [curve(10, 0.5, 16), curve(9.5, 0.5, 16), curve(12, 0.1, 16), curve(12.5, 0.1, 16)]
  const decisions = finals.map((trial, i) => ashaDecide(trial, finals.slice(0, i), rule, 'min').prune)
  t.strictSame(decisions, [false, false, true, true], 'trials arriving in order: the two flat curves are stopped')
})

t.test('median rule: worse than the median of the others at the same step', async (t) => {
  const rule = { kind: 'median' as const, minSteps: 4, minTrials: 2 }
  const others = [curve(10, 0.5, 16), curve(10, 0.4, 16), curve(10, 0.3, 16)]
  t.equal(medianDecide(curve(10, 0.45, 16), others, rule, 'min').prune, false, 'above the median rate of improvement')
  const d = medianDecide(curve(10, 0.1, 16), others, rule, 'min')
  t.equal(d.prune, true)
  t.equal(d.step, 4, 'judged from minSteps on')
  t.match(d.reason, /median rule at step 4/)
  t.equal(medianDecide(curve(10, 0.1, 16), others.slice(0, 1), rule, 'min').prune, false, 'too few others to judge')
  const partial = medianDecide(curve(10, 0.45, 8), others, rule, 'min')
  t.equal(partial.state.checkedStep, 8, 'remembers how far it judged')
  t.equal(decide(rule, curve(10, 0.1, 16), others, 'min', { checkedStep: 16 }).prune, false, 'steps already judged are not judged again')
  // Best so far counts: a trial that was good and got a noisy worse point is not stopped.
  const noisy = [...curve(10, 0.6, 6), { step: 8, value: 9.9 }]
  t.equal(medianDecide(noisy, others, { kind: 'median', minSteps: 8, minTrials: 2 }, 'min').prune, false)
})
