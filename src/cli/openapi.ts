// Generates the OpenAPI document from the route schemas (never written by hand), and from it
// the TypeScript client's types (src/client/schema.ts).
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { buildApp } from '../api/app.ts'
import { loadConfig } from '../config.ts'
import type { Queues } from '../queue/index.ts'
import type { Store } from '../store/index.ts'

/** The document as the server serves it at /docs/json, built without touching a store or Redis. */
export async function generateOpenApi(): Promise<Record<string, unknown>> {
  const app = await buildApp({ config: loadConfig({}, {}), store: {} as Store, queues: {} as Queues })
  await app.ready()
  const doc: Record<string, unknown> = { ...app.swagger() }
  await app.close()
  return doc
}

export function serializeOpenApi(doc: unknown): string {
  return JSON.stringify(doc, null, 2) + '\n'
}

export const OPENAPI_FILE = 'openapi/openapi.json'
export const CLIENT_TYPES_FILE = 'src/client/schema.ts'

/**
 * The client's types as openapi-typescript writes them for `doc`. The generator is a development
 * dependency, loaded only here: serving the api never needs it.
 */
export async function generateClientTypes(doc: Record<string, unknown>): Promise<string> {
  const { default: openapiTS, astToString } = await import('openapi-typescript')
  const ast = await openapiTS(serializeOpenApi(doc), { rootTypes: true, silent: true })
  return `// Generated from ${OPENAPI_FILE} by \`npm run openapi\` (openapi-typescript); do not edit.\n${astToString(ast)}`
}

function write(file: string, text: string): string {
  const out = resolve(file)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, text)
  return out
}

/** Writes the document to `file`; for the checked-in document, the client's types beside it too. */
export async function writeOpenApi(file: string): Promise<string[]> {
  const doc = await generateOpenApi()
  const written = [write(file, serializeOpenApi(doc))]
  if (resolve(file) === resolve(OPENAPI_FILE)) written.push(write(CLIENT_TYPES_FILE, await generateClientTypes(doc)))
  return written
}
