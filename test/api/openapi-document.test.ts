// The OpenAPI document is usable by client generators: an operationId and a summary on every
// operation, request schemas that leave defaulted fields optional, the real media types, every
// error documented with the one error body, an example per job kind; and the TypeScript client's
// types are generated from the current document.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { CLIENT_TYPES_FILE, generateClientTypes, generateOpenApi } from '../../src/cli/openapi.ts'
import { JOB_KINDS } from '../../src/schemas/jobs.ts'
import { OpenApiCheck } from '../openapi-check.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a walk over the document as plain JSON
type Json = Record<string, any>
const doc = (await generateOpenApi()) as Json
const operations = Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, path, method, op })))

t.test('every operation has a unique operationId and a summary', async (t) => {
  const ids = operations.map((o) => o.op.operationId)
  for (const { where, op } of operations) {
    t.match(op.operationId, /^[a-z][A-Za-z]+$/, `${where} has an operationId`)
    t.ok(op.summary, `${where} has a summary`)
  }
  t.equal(new Set(ids).size, ids.length, 'operationIds are unique')
})

t.test('no field with a default is required in a request', async (t) => {
  const offenders: string[] = []
  const walk = (schema: unknown, at: string) => {
    if (Array.isArray(schema)) return schema.forEach((s, i) => walk(s, `${at}/${i}`))
    if (!schema || typeof schema !== 'object') return
    const s = schema as Json
    for (const name of (s.required ?? []) as string[]) if (s.properties?.[name]?.default !== undefined) offenders.push(`${at}: ${name}`)
    for (const [k, v] of Object.entries(s)) if (k !== 'examples' && k !== 'default') walk(v, `${at}/${k}`)
  }
  let checked = 0
  for (const { where, op } of operations) {
    for (const [type, media] of Object.entries((op.requestBody?.content ?? {}) as Record<string, Json>)) walk(media.schema, `${where} ${type}`)
    for (const p of (op.parameters ?? []) as Json[]) if (p.schema?.default !== undefined && p.required) offenders.push(`${where} ${p.in} ${p.name}`)
    checked++
  }
  t.strictSame(offenders, [])
  const pretrain = doc.paths['/v1/jobs'].post.requestBody.content['application/json'].schema.oneOf.find((b: Json) => b.properties.kind.enum[0] === 'pretrain')
  t.strictSame(pretrain.required, ['kind', 'spec'])
  t.strictSame(pretrain.properties.spec.required, ['datasetJobId'], 'a pretrain spec needs its dataset only')
  t.ok(checked > 10)
})

t.test('the server-side schema still fills and enforces defaults', async (t) => {
  const { JobCreate } = await import('../../src/schemas/jobs.ts')
  const spec = (JobCreate as Json).oneOf.find((b: Json) => b.properties.kind.const === 'pretrain' || b.properties.kind.enum?.[0] === 'pretrain').properties.spec
  t.ok(spec.required.includes('steps'), 'the validation schema is not the document: it keeps its required list')
})

t.test('media types are the real ones', async (t) => {
  const content = (path: string, method: string, status = '200') => Object.keys(doc.paths[path][method].responses[status].content ?? {})
  t.strictSame(content('/v1/sweeps/{id}/trials.csv', 'get'), ['text/csv'])
  t.strictSame(content('/v1/jobs/{id}/events', 'get'), ['text/event-stream'])
  t.strictSame(content('/v1/events', 'get'), ['text/event-stream'])
  t.strictSame(content('/v1/jobs/{id}/logs', 'get'), ['text/plain'])
  t.ok(content('/v1/jobs/{id}/artifacts/{name}', 'get').includes('application/octet-stream'))
  t.strictSame(content('/v1/jobs/{id}/report', 'get'), ['application/json', 'text/plain'])
  t.ok(Object.keys(doc.paths['/v1/uploads'].post.requestBody.content).includes('text/plain'))
})

t.test('every error response is documented with the one error body', async (t) => {
  for (const { where, op } of operations) {
    const errors = Object.entries(op.responses as Record<string, Json>).filter(([status]) => Number(status) >= 400)
    if (where === 'GET /ready') continue // its 503 is the readiness report itself
    if (where !== 'GET /health') t.ok(errors.some(([s]) => s === '500'), `${where} documents 500`)
    for (const [status, response] of errors) t.strictSame(response.content, { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } }, `${where} ${status}`)
    if (op.parameters?.some((p: Json) => p.in === 'path')) t.ok(op.responses['400'] && op.responses['404'] !== undefined || where.includes('events'), `${where} documents 400 and 404`)
  }
  const codes: string[] = doc.components.schemas.ErrorBody.properties.error.properties.code.enum
  t.ok(codes.includes('invalid_request') && codes.includes('not_found'), 'the error codes are enumerated')
})

t.test('a request example per job kind, each valid against the request schema', async (t) => {
  const media = doc.paths['/v1/jobs'].post.requestBody.content['application/json']
  t.strictSame(Object.keys(media.examples).sort(), [...JOB_KINDS].sort())
  const check = new OpenApiCheck(doc)
  for (const [kind, example] of Object.entries(media.examples as Record<string, { value: unknown }>)) t.strictSame(check.invalid(media.schema, example.value), [], `the ${kind} example is valid`)
})

t.test('results and reports have schemas per kind', async (t) => {
  const names = Object.keys(doc.components.schemas)
  for (const name of ['Job', 'SampleResult', 'TrainResult', 'EvaluateResult', 'DatasetResult', 'EvaluateReport', 'ErrorBody', 'Worker']) t.ok(names.includes(name), `components.schemas.${name}`)
  t.match(doc.components.schemas.EvaluateReport.description, /nats/)
})

t.test('src/client/schema.ts is generated from the current document (npm run openapi regenerates it)', async (t) => {
  t.equal(readFileSync(CLIENT_TYPES_FILE, 'utf8'), await generateClientTypes(doc), 'regenerate with `npm run openapi` and commit the result')
})
