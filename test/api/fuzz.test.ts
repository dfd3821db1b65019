// A fuzzer over the served OpenAPI document: for every operation (bodies of every job kind,
// pipelines, sweeps, uploads; path and query parameters; the Last-Event-ID header) it sends
// requests built from the schemas with some values replaced by hostile ones (NUL characters,
// unpaired surrogates, huge and fractional numbers, deep nesting, wrong types, the infill
// template that once crashed a worker). No answer may be a 5xx. Seeded, so a failure repeats.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { startTestService } from '../helpers.ts'
import { OpenApiCheck } from '../openapi-check.ts'

const svc = await startTestService(t, { role: 'api' })
const app = svc.app!
const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } }

interface Schema {
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  oneOf?: Schema[]
  anyOf?: Schema[]
  enum?: unknown[]
  const?: unknown
  default?: unknown
  minimum?: number
  maximum?: number
  format?: string
  additionalProperties?: boolean | Schema
  $ref?: string
}
interface Operation {
  parameters?: { in: string; name: string; schema: Schema }[]
  requestBody?: { content: Record<string, { schema: Schema }> }
}

// mulberry32: a small seeded generator, so every run sends the same requests.
let seed = 0x5eed
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0
  let x = seed
  x = Math.imul(x ^ (x >>> 15), x | 1)
  x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]

const deep = (n: number): unknown => (n === 0 ? 1 : { a: [deep(n - 1)] })
const HOSTILE: unknown[] = [
  '', 'a\u0000b', '\ud800', 'x\udfff', 'é'.repeat(5000), '[[99999999999999999999]]', 'a [[0]] b', '../../../etc/passwd', '/etc/passwd',
  '9999-99-99T99:99:99Z', '0000-01-01T00:00:00Z', '-271821-04-20T00:00:00Z', 'not-a-uuid', randomUUID(),
  -1, 0, 1, 1.5, -0.5, 2 ** 31, 2 ** 53, 1e15, 1e308, -1e308, 5e-324, null, true, false, [], {}, [[[[]]]], deep(40), { __proto__: { polluted: 1 } },
]

/** Percent-encodes anything, including strings encodeURIComponent refuses (unpaired surrogates); some raw escapes as they are. */
function enc(v: unknown): string {
  const text = String(v)
  if (rand() < 0.1) return pick(['%00', '%ED%A0%80', '%FF', '%', '..%2F..'])
  try {
    return encodeURIComponent(text)
  } catch {
    return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
  }
}

const resolve = (s: Schema): Schema => (s.$ref ? (doc.components?.schemas?.[s.$ref.split('/').pop()!] ?? {}) : s)

function valueFor(schema: Schema, depth = 0): unknown {
  const s = resolve(schema)
  if (depth > 6 || rand() < 0.12) return pick(HOSTILE)
  if (s.const !== undefined) return s.const
  if (s.enum) return pick(s.enum)
  const branches = s.oneOf ?? s.anyOf
  if (branches) return valueFor(pick(branches), depth + 1)
  const type = Array.isArray(s.type) ? pick(s.type) : s.type
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(s.properties ?? {})) if (s.required?.includes(k) || rand() < 0.5) out[k] = valueFor(v, depth + 1)
      if (rand() < 0.05) out[`extra${Math.floor(rand() * 9)}`] = pick(HOSTILE)
      return out
    }
    case 'array':
      return Array.from({ length: Math.floor(rand() * 4) }, () => valueFor(s.items ?? {}, depth + 1))
    case 'integer': {
      const lo = s.minimum ?? -10
      const hi = Math.min(s.maximum ?? 1e6, lo + 1e6)
      return rand() < 0.7 && s.default !== undefined ? s.default : Math.floor(lo + rand() * (hi - lo + 1))
    }
    case 'number':
      return s.default !== undefined && rand() < 0.6 ? s.default : (s.minimum ?? 0) + rand() * ((s.maximum ?? 10) - (s.minimum ?? 0))
    case 'boolean':
      return rand() < 0.5
    case 'string':
      if (s.format === 'uuid') return rand() < 0.5 ? randomUUID() : pick(HOSTILE)
      if (s.format === 'date-time') return rand() < 0.5 ? new Date(Date.now() - rand() * 1e10).toISOString() : pick(HOSTILE)
      return s.default !== undefined && rand() < 0.5 ? s.default : pick(['x', 'hello world', 'a [[4]] b', 'ngram', 'tiny', 'lr', 'train/loss'])
    default:
      return pick(HOSTILE)
  }
}

const CASES_PER_OPERATION = 60
let sent = 0
/** The job kinds whose bodies were sent to POST /v1/jobs. */
const bodies = new Set<string>()
/** Answers by status, to see that the generator reaches past validation too. */
const statuses = new Map<number, number>()
const failures: string[] = []
/** Answers the document does not declare (status, media type or body shape). */
const undeclared: string[] = []
const check = new OpenApiCheck(doc as unknown as Record<string, unknown>)

for (const [path, methods] of Object.entries(doc.paths)) {
  for (const [method, op] of Object.entries(methods)) {
    // Event streams stay open by design: probe them with hostile Last-Event-IDs and unknown ids only.
    const streaming = path.endsWith('/events')
    for (let i = 0; i < CASES_PER_OPERATION; i++) {
      let url = path.replace(/\{(\w+)\}/g, () => enc(rand() < 0.7 ? randomUUID() : pick(HOSTILE)))
      const headers: Record<string, string> = {}
      const query: string[] = []
      for (const p of op.parameters ?? []) {
        if (p.in === 'query' && rand() < 0.5) query.push(`${p.name}=${enc(valueFor(p.schema))}`)
        if (p.in === 'header' && p.name === 'last-event-id') headers['last-event-id'] = String(pick(['x', '-1', '9'.repeat(40), '1.5', '', '1e99']))
      }
      if (streaming && !headers['last-event-id']) headers['last-event-id'] = 'nope'
      if (query.length) url += `?${query.join('&')}`
      let payload: string | undefined
      const content = op.requestBody?.content ?? {}
      if (content['application/json']) {
        headers['content-type'] = 'application/json'
        payload = rand() < 0.1 ? pick(['{', '[]', 'null', '"x"', '{"a":1}'.repeat(3)]) : JSON.stringify(valueFor(content['application/json'].schema))
      } else if (Object.keys(content).length) {
        headers['content-type'] = pick([...Object.keys(content), 'application/json', 'image/png'])
        payload = pick(['some text\n\nmore text', '\u0000\u0001\u0002', '{"text":"x"}\n{"text":1}\n'])
      }
      if (path === '/v1/jobs' && method === 'post') {
        const kind = /^\{"kind":"(\w+)"/.exec(payload ?? '')?.[1]
        if (kind) bodies.add(kind)
      }
      const res = await app.inject({ method: method.toUpperCase() as 'GET', url, headers, payload })
      sent++
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
      if (res.statusCode >= 500) failures.push(`${method.toUpperCase()} ${url} ${payload?.slice(0, 300) ?? ''} -> ${res.statusCode} ${res.body.slice(0, 300)}`)
      const contentType = res.headers['content-type']
      undeclared.push(...check.problems(method, url, res.statusCode, typeof contentType === 'string' ? contentType : null, res.body))
    }
  }
}

t.test('no request built from the OpenAPI document gets a 5xx', async (t) => {
  t.ok(sent >= CASES_PER_OPERATION * 10, `${sent} requests sent`)
  t.strictSame(failures, [], 'no 5xx')
  t.strictSame(undeclared.slice(0, 20), [], 'every answer is what the OpenAPI document declares')
  t.comment(`answers: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s} x${n}`).join(', ')}`)
  t.ok((statuses.get(201) ?? 0) > 0 && (statuses.get(200) ?? 0) > 0, 'some requests were valid and went through')
  t.ok(bodies.size >= 5, `bodies of every job kind were sent: ${[...bodies].sort().join(', ')}`)
})
