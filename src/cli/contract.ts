// Writes the bridge contract (the run spec JSON Schema) beside the Python package, which
// validates every run spec against it. Generated from src/schemas/run-spec.ts; a test checks
// the committed file is current (npm run contract regenerates it).
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { runSpecContract } from '../schemas/run-spec.ts'

export const CONTRACT_FILE = 'python/fsdfm/contract/run-spec.schema.json'

export const serializeContract = (): string => JSON.stringify(runSpecContract(), null, 2) + '\n'

export function writeContract(file = CONTRACT_FILE): string {
  const out = resolve(file)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, serializeContract())
  return out
}
