// npm run contract: regenerate python/fsdfm/contract/run-spec.schema.json.
import { writeContract } from '../src/cli/contract.ts'

console.log(`wrote ${writeContract()}`)
