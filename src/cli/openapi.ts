// Generates the OpenAPI document from the route schemas (never written by hand).
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

export async function writeOpenApi(file: string): Promise<string> {
  const out = resolve(file)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, serializeOpenApi(await generateOpenApi()))
  return out
}
