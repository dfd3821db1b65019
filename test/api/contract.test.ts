// The bridge contract beside the Python package is what the TypeScript job specs generate, and
// what crosses the bridge is checked against it on this side too.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { CONTRACT_FILE, serializeContract } from '../../src/cli/contract.ts'
import { RUN_KINDS, runSpecBranch, SERVICE_ONLY } from '../../src/schemas/run-spec.ts'
import { SOLVER_NAMES } from '../../src/schemas/solvers.ts'

t.test(`${CONTRACT_FILE} is up to date (npm run contract regenerates it)`, async (t) => {
  t.equal(readFileSync(CONTRACT_FILE, 'utf8'), serializeContract(), 'regenerate with `npm run contract` and commit the result')
})

t.test('service-only fields never reach Python, and the solvers are the catalogue', async (t) => {
  for (const kind of RUN_KINDS) {
    const config = (runSpecBranch(kind) as { properties: { config: { properties: Record<string, unknown>; additionalProperties: boolean } } }).properties.config
    t.equal(config.additionalProperties, false, `${kind}: nothing beyond the contract`)
    for (const key of SERVICE_ONLY[kind]) t.notOk(key in config.properties, `${kind}: ${key} stays in the service`)
  }
  const solver = (runSpecBranch('sample') as { properties: { config: { properties: { solver: { enum: string[] } } } } }).properties.config.properties.solver
  t.strictSame(solver.enum, SOLVER_NAMES)
})
