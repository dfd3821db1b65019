// Checks on what a request carries, before any route sees it: strings PostgreSQL cannot store
// (NUL characters, unpaired UTF-16 surrogates) and nesting deeper than any spec needs. Every
// such request is a 400 naming the field, never a 500 from the database or the validator.
import type { FieldProblem } from '../errors.ts'

/** No job spec, sweep space or pipeline nests anywhere near this deep. */
export const MAX_JSON_DEPTH = 32
const MAX_PROBLEMS = 20

const pointer = (base: string, key: string | number): string => `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export function stringProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000)'
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate'
  return null
}

/** Problems of a parsed JSON value (empty when it is fine), with JSON pointers below `base`. */
export function checkJsonValue(value: unknown, base = ''): FieldProblem[] {
  const problems: FieldProblem[] = []
  const visit = (v: unknown, path: string, depth: number): void => {
    if (problems.length >= MAX_PROBLEMS) return
    if (typeof v === 'string') {
      const p = stringProblem(v)
      if (p) problems.push({ path: path || '/', message: p })
      return
    }
    if (v === null || typeof v !== 'object') return
    if (depth >= MAX_JSON_DEPTH) {
      problems.push({ path: path || '/', message: `nests deeper than ${MAX_JSON_DEPTH} levels` })
      return
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, pointer(path, i), depth + 1))
      return
    }
    for (const [key, item] of Object.entries(v)) {
      const p = stringProblem(key)
      if (p) problems.push({ path: pointer(path, key), message: `the field name ${p}` })
      else visit(item, pointer(path, key), depth + 1)
    }
  }
  visit(value, base, 0)
  return problems
}
