// A job's metric series as the pages keep them: per name, steps and values in step order, fed
// first by GET /v1/jobs/{id}/metrics and then by the metric events of its stream. A point the
// page already has (the stream's history repeats the listing) replaces the value at its step.
// A job page asks for a summary sized to the screen (maxPoints) rather than every point: the
// api's M4 summary keeps each bucket's first, last, lowest and highest point, so the curve looks
// the same at a fraction of the bytes, and a chart zoomed in fetches its range at full detail.
import type { FsdfmClient } from '../../../src/client/index.ts'
import { unwrap } from '../../../src/client/index.ts'

export interface SeriesData {
  x: number[]
  y: (number | null)[]
  /** The points the api has for the series when x and y hold a summary of them (maxPoints). */
  total?: number
}

export type MetricMap = Map<string, SeriesData>

export function addPoint(map: MetricMap, name: string, step: number, value: number | null): void {
  let s = map.get(name)
  if (!s) map.set(name, (s = { x: [], y: [] }))
  const n = s.x.length
  if (!n || step > s.x[n - 1]) {
    s.x.push(step)
    s.y.push(value)
    if (s.total !== undefined) s.total++
    return
  }
  // Inside a summary the stream's points (its history repeats the listing) are already summed
  // up: one only refreshes a step the summary kept, or the summary would fill back up.
  const summary = s.total !== undefined && s.total > n
  // Binary search for the step: replace it, or insert it where it belongs.
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (s.x[mid] < step) lo = mid + 1
    else hi = mid
  }
  if (s.x[lo] === step) s.y[lo] = value
  else if (!summary) {
    s.x.splice(lo, 0, step)
    s.y.splice(lo, 0, value)
  }
}

/**
 * About four points per pixel column of a chart as wide as the window (M4 keeps four per
 * bucket; a chart is at most that wide, and two to a row on a laptop): a few thousand points per
 * series whatever the run's length.
 */
export function screenPoints(): number {
  return Math.min(Math.max(Math.ceil(window.innerWidth * Math.min(window.devicePixelRatio || 1, 2)) * 2, 1000), 20_000)
}

/**
 * Every series of a job: up to the api's 100,000 points each, or with `maxPoints` a summary of
 * each in at most that many points (optionally of the steps `from` to `to` only: a zoomed chart).
 */
export async function loadMetrics(client: FsdfmClient, id: string, options: { maxPoints?: number; names?: string[]; from?: number; to?: number } = {}): Promise<MetricMap> {
  const { maxPoints, names, from, to } = options
  const query = { limit: 100_000, ...(maxPoints ? { maxPoints } : {}), ...(names ? { name: names.join(',') } : {}), ...(from !== undefined ? { stepFrom: from } : {}), ...(to !== undefined ? { stepTo: to } : {}) }
  const data = unwrap(await client.api.GET('/v1/jobs/{id}/metrics', { params: { path: { id }, query } }))
  const map: MetricMap = new Map()
  for (const s of data.series) {
    const n = s.points.length
    const series: SeriesData = { x: new Array(n), y: new Array(n), ...(s.total !== undefined ? { total: s.total } : {}) }
    for (let i = 0; i < n; i++) {
      series.x[i] = s.points[i].step
      series.y[i] = s.points[i].value
    }
    map.set(s.name, series)
  }
  return map
}
