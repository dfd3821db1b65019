// Checks an answer of the api against the OpenAPI document the server itself serves: the status
// must be declared for the operation, the media type declared for that status, and a JSON body
// valid against the declared schema (JSON Schema 2020-12, as OpenAPI 3.1 uses). The test helpers
// run every answer through this, so the document cannot drift from what the code sends.
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

type Json = Record<string, unknown>
interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>
}

const DOC_ID = 'openapi.json'

export class OpenApiCheck {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, discriminator: true })
  private readonly routes: { method: string; pattern: RegExp; template: string; op: Operation }[] = []
  private readonly compiled = new Map<string, ReturnType<Ajv2020['compile']>>()

  constructor(readonly doc: Json) {
    // A CommonJS module: under ESM its default import is module.exports, whose .default is the plugin.
    addFormats.default(this.ajv)
    this.ajv.addFormat('binary', true)
    this.ajv.addSchema(doc, DOC_ID)
    const paths = (doc.paths ?? {}) as Record<string, Record<string, Operation>>
    for (const [template, ops] of Object.entries(paths)) {
      const pattern = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`)
      for (const [method, op] of Object.entries(ops)) this.routes.push({ method: method.toUpperCase(), pattern, template, op })
    }
    // Literal segments win over parameters (/v1/jobs/{id}/logs over a hypothetical /v1/jobs/{id}/{x}).
    this.routes.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0))
  }

  /** What is wrong with this answer, per the document; empty when it conforms (or the route is not documented at all). */
  problems(method: string, url: string, status: number, contentType: string | null, body: string): string[] {
    const path = url.split('?')[0]
    const route = this.routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(path))
    if (!route) return [] // no such operation: the api's catch-all 404, nothing declared to check against
    const where = `${method.toUpperCase()} ${route.template} -> ${status}`
    const responses = route.op.responses ?? {}
    const declared = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default
    if (!declared) return [`${where}: status not declared (declared: ${Object.keys(responses).join(', ')})`]
    if (!declared.content) return body.length ? [`${where}: a body where none is declared`] : []
    const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase()
    const mediaObject = declared.content[mediaType]
    if (!mediaObject) return [`${where}: media type ${mediaType || '(none)'} not declared (declared: ${Object.keys(declared.content).join(', ')})`]
    if (mediaType !== 'application/json') return []
    let value: unknown
    try {
      value = JSON.parse(body)
    } catch {
      return [`${where}: body is not JSON: ${body.slice(0, 200)}`]
    }
    const validate = this.validator(`${route.method} ${route.template} ${status} ${mediaType}`, mediaObject.schema ?? {})
    if (validate(value)) return []
    return (validate.errors ?? []).slice(0, 10).map((e) => `${where}: ${e.instancePath || '/'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`)
  }

  /** What is wrong with `value` under `schema`, a schema from the document (its $refs resolve against it). */
  invalid(schema: unknown, value: unknown): string[] {
    const validate = this.validator(JSON.stringify(schema), schema)
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
  }

  private validator(key: string, schema: unknown): ReturnType<Ajv2020['compile']> {
    let validate = this.compiled.get(key)
    if (!validate) {
      // References inside the document are relative to it: point them at the registered document.
      const text = JSON.stringify(schema).replaceAll('"#/components/', `"${DOC_ID}#/components/`)
      validate = this.ajv.compile(JSON.parse(text) as Json)
      this.compiled.set(key, validate)
    }
    return validate
  }
}

const byBase = new Map<string, Promise<OpenApiCheck>>()

/** The check for the service at `base`, built from its /docs/json (fetched once). */
export function openApiCheckFor(base: string): Promise<OpenApiCheck> {
  let check = byBase.get(base)
  if (!check) {
    check = fetch(`${base}/docs/json`).then(async (res) => new OpenApiCheck((await res.json()) as Json))
    byBase.set(base, check)
    // A service not up yet (or restarting in a drill): try again on the next answer.
    check.catch(() => byBase.delete(base))
  }
  return check
}
