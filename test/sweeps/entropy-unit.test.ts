// One unit for entropy everywhere: the sweep statistic sample/entropy (computed here) and the
// evaluate report's entropy (computed by Python) are both nats, and agree on the same tokens.
import { execFileSync } from 'node:child_process'
import t from 'tap'
import { tokenEntropy } from '../../src/sweeps/objective.ts'

const samples = [
  [1, 2, 3, 4],
  [5, 5, 5, 5, 6, 7],
  [9, 9, 9, 9],
]

t.test('sample/entropy is in nats', async (t) => {
  t.equal(tokenEntropy([1, 2, 3, 4]), Math.log(4))
  t.equal(tokenEntropy([9, 9]), 0)
})

t.test('the same tokens give the same entropy in the evaluate report (python/fsdfm/judges.py)', async (t) => {
  const py = process.env.PYTHON_BIN || '/usr/bin/python3'
  const script = 'import json, sys, torch; from fsdfm.judges import unigram_entropy; print(json.dumps([unigram_entropy(torch.tensor([row]))[0] for row in json.loads(sys.argv[1])]))'
  const python = JSON.parse(execFileSync(py, ['-c', script, JSON.stringify(samples)], { cwd: 'python', env: { ...process.env, PYTHONPATH: '.' } }).toString()) as number[]
  samples.forEach((row, i) => t.ok(Math.abs(python[i] - tokenEntropy(row)) < 1e-12, `sample ${i}: ${python[i]} nats in Python, ${tokenEntropy(row)} here`))
})
