// The parameter space of a sweep: dotted paths into a job spec, each with a domain, and the
// two ways of drawing trials from it. Trial parameters are a pure function of the sweep
// request and the trial index, so a restarted controller draws exactly the same trials.
import { createHash } from 'node:crypto'
import type { TSchema } from 'typebox'
import { JobCreate, type JobKind } from '../schemas/jobs.ts'

/** Exactly one key: grid values (method grid) or a distribution (method random). */
export interface ParamDomain {
  grid?: unknown[]
  uniform?: number[]
  logUniform?: number[]
  int?: number[]
  choice?: unknown[]
}
export type Space = Record<string, ParamDomain>
export type TrialParams = Record<string, unknown>
export type SweepMethod = 'grid' | 'random'

export const DOMAIN_KINDS = ['grid', 'uniform', 'logUniform', 'int', 'choice'] as const
export type DomainKind = (typeof DOMAIN_KINDS)[number]

export function domainKind(d: ParamDomain): DomainKind {
  const kinds = DOMAIN_KINDS.filter((k) => d[k] !== undefined)
  if (kinds.length !== 1) throw new Error(`a parameter domain has exactly one of ${DOMAIN_KINDS.join(', ')}`)
  return kinds[0]
}

/** Problems of one domain (bounds, method), as messages; empty when it is usable. */
export function checkDomain(d: ParamDomain, method: SweepMethod): string[] {
  const kind = domainKind(d)
  if (kind === 'grid') return method === 'grid' ? [] : ['grid values need method grid']
  if (method === 'grid') return [`${kind} is a distribution; method grid takes grid values only`]
  if (kind === 'choice') return []
  const [lo, hi] = d[kind] as number[]
  if (!(lo <= hi)) return [`the lower bound ${lo} is above the upper bound ${hi}`]
  if (kind === 'logUniform' && !(lo > 0)) return ['logUniform bounds must be positive']
  if (kind === 'int' && !(Number.isInteger(lo) && Number.isInteger(hi))) return ['int bounds must be integers']
  return []
}

/** Number of points of a grid space (the cartesian product). */
export function gridSize(space: Space): number {
  return Object.values(space).reduce((n, d) => n * (d.grid?.length ?? 1), 1)
}

/**
 * All grid points in order: the first path varies slowest, the last fastest (the order of the
 * request), like nested for-loops written in the same order.
 */
export function enumerateGrid(space: Space, limit = Infinity): TrialParams[] {
  const paths = Object.keys(space)
  const out: TrialParams[] = []
  const total = Math.min(gridSize(space), limit)
  for (let n = 0; n < total; n++) {
    const params: TrialParams = {}
    let rest = n
    for (let i = paths.length - 1; i >= 0; i--) {
      const values = space[paths[i]].grid!
      params[paths[i]] = values[rest % values.length]
      rest = Math.floor(rest / values.length)
    }
    out.push(Object.fromEntries(paths.map((p) => [p, params[p]])))
  }
  return out
}

/** mulberry32: a small, well-mixed 32-bit generator; the seed comes from a hash of (sweep seed, trial index). */
export function rng(seed: number, stream: number): () => number {
  let a = createHash('sha256').update(`fsdfm.sweep:${seed}:${stream}`).digest().readUInt32LE(0)
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Draws one value; `u` is uniform on [0, 1). */
export function drawValue(d: ParamDomain, u: number): unknown {
  switch (domainKind(d)) {
    case 'uniform': {
      const [lo, hi] = d.uniform!
      return lo + u * (hi - lo)
    }
    case 'logUniform': {
      const [lo, hi] = d.logUniform!
      // Clamped: exp(log(x)) may land one ulp outside the bounds.
      return Math.min(hi, Math.max(lo, Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)))))
    }
    case 'int': {
      const [lo, hi] = d.int!
      return lo + Math.min(hi - lo, Math.floor(u * (hi - lo + 1)))
    }
    case 'choice':
      return d.choice![Math.min(d.choice!.length - 1, Math.floor(u * d.choice!.length))]
    case 'grid':
      throw new Error('grid values are enumerated, not drawn')
  }
}

/**
 * Trial `index` of a random sweep: its own generator seeded by (seed, index), paths drawn in
 * sorted order, so trial k is the same whatever the key order of the stored request and
 * however many trials were drawn before it.
 */
export function drawTrial(space: Space, seed: number, index: number): TrialParams {
  const next = rng(seed, index)
  const params: TrialParams = {}
  for (const path of Object.keys(space).sort()) params[path] = drawValue(space[path], next())
  return Object.fromEntries(Object.keys(space).map((p) => [p, params[p]]))
}

/** The trial plan of a sweep: every trial's parameters, in trial-index order. */
export function planTrials(space: Space, method: SweepMethod, seed: number, maxTrials: number): TrialParams[] {
  if (method === 'grid') return enumerateGrid(space, maxTrials)
  return Array.from({ length: maxTrials }, (_, i) => drawTrial(space, seed, i))
}

// ---------------------------------------------------------------------------------------
// Dotted paths into a job spec
// ---------------------------------------------------------------------------------------

type SchemaNode = TSchema & { properties?: Record<string, SchemaNode>; type?: unknown }

/** The JSON schema of a kind's spec (the branch of JobCreate its `kind` names). */
export function specSchemaOf(kind: JobKind): SchemaNode {
  const branches: readonly SchemaNode[] = JobCreate.oneOf
  const branch = branches.find((b) => (b.properties?.kind as { const?: string } | undefined)?.const === kind)
  if (!branch?.properties?.spec) throw new Error(`no spec schema for kind ${kind}`)
  return branch.properties.spec
}

/** Null when `path` names a field of the kind's spec (nested objects by dots), else why not. */
export function checkSpecPath(kind: JobKind, path: string): string | null {
  let node: SchemaNode | undefined = specSchemaOf(kind)
  const parts = path.split('.')
  for (let i = 0; i < parts.length; i++) {
    const next: SchemaNode | undefined = node?.properties?.[parts[i]]
    if (!next) {
      const where = i === 0 ? `the ${kind} spec` : parts.slice(0, i).join('.')
      return `${parts[i]} is not a field of ${where}`
    }
    node = next
  }
  return null
}

export function getPath(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[part]
  }
  return cur
}

/** Sets a dotted path, creating intermediate objects. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.')
  let cur = obj
  for (const part of parts.slice(0, -1)) {
    const next = cur[part]
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[part] = {}
    cur = cur[part] as Record<string, unknown>
  }
  cur[parts[parts.length - 1]] = value
}

/** The base spec with the trial's parameters written in (a deep copy; the base is not touched). */
export function applyParams(spec: Record<string, unknown>, params: TrialParams): Record<string, unknown> {
  const out = structuredClone(spec)
  for (const [path, value] of Object.entries(params)) setPath(out, path, structuredClone(value))
  return out
}
