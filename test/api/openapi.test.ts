// The checked-in OpenAPI document is what the server generates and serves.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { generateOpenApi, serializeOpenApi } from '../../src/cli/openapi.ts'
import { startTestService } from '../helpers.ts'

const generated = await generateOpenApi()

t.test('openapi/openapi.json is up to date (npm run openapi regenerates it)', async (t) => {
  const onDisk = readFileSync('openapi/openapi.json', 'utf8')
  t.equal(onDisk, serializeOpenApi(generated), 'regenerate with `npm run openapi` and commit the result')
})

t.test('the running server serves the same document, and Swagger UI', async (t) => {
  const svc = await startTestService(t, { role: 'api' })
  const served = await svc.api.get('/docs/json')
  t.equal(served.status, 200)
  t.strictSame(served.body, generated)
  const ui = await fetch(`${svc.baseUrl}/docs/`)
  t.equal(ui.status, 200)
  t.match(await ui.text(), /swagger/i)
})

t.test('every route declares its responses and a tag', async (t) => {
  const paths = generated.paths as Record<string, Record<string, { tags?: string[]; responses?: Record<string, unknown> }>>
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      t.ok(op.tags?.length, `${method.toUpperCase()} ${path} has a tag`)
      t.ok(Object.keys(op.responses ?? {}).some((c) => c.startsWith('2')), `${method.toUpperCase()} ${path} documents its success`)
    }
  }
  t.match(generated, { openapi: '3.1.0' })
})
