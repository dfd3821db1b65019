// What makes the generated OpenAPI document usable by client generators: named component
// schemas, error responses declared the same way on every route, and request schemas that say
// what a client must send rather than what the server fills in.
import type { SwaggerTransformObject } from '@fastify/swagger'
import type { TSchema } from 'typebox'
import { API_ERROR_CODES, API_ERRORS, type ApiErrorCode } from '../errors.ts'
import type { AccessRule } from './access.ts'

/** An HTTP status some code of the catalogue (src/errors.ts) answers with. */
export type ErrorStatus = (typeof API_ERRORS)[ApiErrorCode]['status']

/** What a status means beyond its codes' names. */
const WHY: Partial<Record<number, string>> = {
  400: '`details` names every bad field by its JSON pointer',
  401: 'no token, or one unknown, revoked or expired (FSDFM_AUTH=on)',
  403: 'the token may see the project but its role there does not allow this',
  422: 'the Idempotency-Key was used with another body, or the bytes of an artifact transfer do not match its sha256',
  429: 'too many requests from this token, or the project is at a quota; Retry-After says when to retry where waiting helps',
  404: 'no such resource',
  409: 'the resource is in a state that does not allow this',
  410: 'the file is gone from the artifact store',
  500: 'a bug; the message carries the request id the api log has the details under',
  503: 'PostgreSQL (or, for routes that read the queues, Redis) does not answer; retry after Retry-After seconds',
}

/** The codes of `status`, from the catalogue, and why they happen. */
function describeStatus(status: ErrorStatus): string {
  const codes = API_ERROR_CODES.filter((c) => API_ERRORS[c].status === status)
  const names = codes.length > 1 ? `${codes.slice(0, -1).join(', ')} or ${codes[codes.length - 1]}` : codes[0]
  return WHY[status] ? `${names}: ${WHY[status]}` : names
}

// The body is a reference to the shared schema (registered by app.ts), so the document holds it once.
const errorResponse = (status: ErrorStatus) => ({ description: describeStatus(status), content: { 'application/json': { schema: { $ref: 'ErrorBody#' } } } })

type ErrorResponses = Partial<Record<ErrorStatus, ReturnType<typeof errorResponse>>>
const responsesFor = (statuses: ErrorStatus[]): ErrorResponses => Object.fromEntries([...new Set(statuses)].map((s) => [s, errorResponse(s)]))

/** Error responses for `statuses`, plus the 500 and 503 any route that reads the store can answer. */
export const errors = (...statuses: ErrorStatus[]): ErrorResponses => responsesFor([...statuses, 500, 503])

/** Error responses of a route that never reads the store: `statuses` and 500. */
export const ownErrors = (...statuses: ErrorStatus[]): ErrorResponses => responsesFor([...statuses, 500])

/** Routes that create a resource and honour Idempotency-Key (and the project quotas). */
const CREATES = new Set(['POST /v1/jobs', 'POST /v1/pipelines', 'POST /v1/sweeps'])

/**
 * The errors any /v1 route can answer because of who calls it (and 400 where it validates the request) (src/api/auth.ts, access.ts and
 * the rate limit): added to every route's document from its access rule, so no route forgets them.
 */
export function accessErrors(method: string, url: string, rule: AccessRule | undefined, validates = false): ErrorResponses {
  const statuses: ErrorStatus[] = [401, 403, 429]
  if (validates) statuses.push(400)
  // A resource (or project) the caller cannot see answers as one that does not exist.
  if (rule && rule.in !== 'none' && rule.in !== 'token') statuses.push(404)
  if (CREATES.has(`${method} ${url}`)) statuses.push(422)
  return errors(...statuses)
}

/** The errors of a route that takes a JSON body: bad fields, too large, not JSON. */
export const JSON_BODY_ERRORS: ErrorStatus[] = [400, 413, 415]

/** A response of one media type (CSV, an event stream, a file) described by `schema`. */
export function media(type: string, description: string, schema: TSchema | Record<string, unknown> = { type: 'string' }) {
  return { description, content: { [type]: { schema } } }
}

/** Names hoisted schemas after their $id (Job, Worker, SampleResult, …) instead of def-N. */
export const buildLocalReference = (json: { $id?: unknown }, _baseUri: unknown, _fragment: unknown, i: number): string =>
  typeof json.$id === 'string' ? json.$id : `def-${i}`

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * A property with a default is one the client may leave out: the server fills it in (Ajv's
 * useDefaults), so the document must not call it required. Only request schemas change; the
 * validation schemas the server uses are not touched (the document is a copy).
 */
function optionalDefaults(schema: unknown): void {
  if (Array.isArray(schema)) return schema.forEach(optionalDefaults)
  if (!isObject(schema)) return
  const props = isObject(schema.properties) ? schema.properties : null
  if (props && Array.isArray(schema.required)) {
    const required = schema.required.filter((name) => !(isObject(props[name as string]) && (props[name as string] as Json).default !== undefined))
    if (required.length) schema.required = required
    else delete schema.required
  }
  for (const [key, value] of Object.entries(schema)) if (key !== 'default' && key !== 'examples' && key !== 'example') optionalDefaults(value)
}

/** Request examples whose values carry a `kind` are named after it (dataset, sample, …) instead of example1, example2. */
function nameExamples(mediaObject: Json): void {
  const examples = mediaObject.examples
  if (!isObject(examples)) return
  const entries = Object.values(examples).filter(isObject)
  const kinds = entries.map((e) => (isObject(e.value) && typeof e.value.kind === 'string' ? e.value.kind : null))
  if (kinds.some((k) => k === null) || new Set(kinds).size !== kinds.length) return
  mediaObject.examples = Object.fromEntries(entries.map((e, i) => [kinds[i], { summary: `a ${kinds[i]} job`, ...e }]))
}

/**
 * A schema hoisted into components (because some route nests it) is still written out in full
 * where a route answers with it directly: refer to the component there too, so generated
 * clients see one type (Job) rather than a copy per operation.
 */
function referToComponents(doc: Json): void {
  const schemas = isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {}
  const byText = new Map(Object.entries(schemas).map(([name, schema]) => [JSON.stringify(schema), name]))
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit)
    if (!isObject(node)) return node
    const name = byText.get(JSON.stringify(node))
    if (name) return { $ref: `#/components/schemas/${name}` }
    for (const [key, value] of Object.entries(node)) node[key] = visit(value)
    return node
  }
  doc.paths = visit(doc.paths)
}

const SUCCESS: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content' }

/** A success response whose schema carries no description is named by its status rather than "Default Response". */
function describeSuccesses(doc: Json): void {
  for (const ops of Object.values((doc.paths ?? {}) as Record<string, Record<string, Json>>))
    for (const op of Object.values(ops))
      for (const [status, response] of Object.entries((op.responses ?? {}) as Record<string, Json>))
        if (response.description === 'Default Response' && SUCCESS[status]) response.description = SUCCESS[status]
}

/** The last step of generating the document (@fastify/swagger's transformObject). */
export const finishDocument: SwaggerTransformObject = (documentObject) => {
  const doc = JSON.parse(JSON.stringify('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject))
  for (const ops of Object.values((doc.paths ?? {}) as Record<string, Record<string, Json>>)) {
    for (const op of Object.values(ops)) {
      for (const p of (op.parameters ?? []) as Json[]) {
        if (p.in !== 'path' && isObject(p.schema) && p.schema.default !== undefined) p.required = false
      }
      const content = isObject(op.requestBody) && isObject(op.requestBody.content) ? op.requestBody.content : {}
      for (const mediaObject of Object.values(content)) {
        if (!isObject(mediaObject)) continue
        optionalDefaults(mediaObject.schema)
        nameExamples(mediaObject)
      }
    }
  }
  describeSuccesses(doc)
  referToComponents(doc)
  return doc
}
