// A job's metric series as the pages keep them: per name, steps and values in step order, fed
// first by GET /v1/jobs/{id}/metrics and then by the metric events of its stream. A point the
// page already has (the stream's history repeats the listing) replaces the value at its step.
import type { FsdfmClient } from '../../../src/client/index.ts'
import { unwrap } from '../../../src/client/index.ts'

export interface SeriesData {
  x: number[]
  y: (number | null)[]
}

export type MetricMap = Map<string, SeriesData>

export function addPoint(map: MetricMap, name: string, step: number, value: number | null): void {
  let s = map.get(name)
  if (!s) map.set(name, (s = { x: [], y: [] }))
  const n = s.x.length
  if (!n || step > s.x[n - 1]) {
    s.x.push(step)
    s.y.push(value)
    return
  }
  // Binary search for the step: replace it, or insert it where it belongs.
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (s.x[mid] < step) lo = mid + 1
    else hi = mid
  }
  if (s.x[lo] === step) s.y[lo] = value
  else {
    s.x.splice(lo, 0, step)
    s.y.splice(lo, 0, value)
  }
}

/** Every series of a job, up to the api's 100,000 points each. */
export async function loadMetrics(client: FsdfmClient, id: string): Promise<MetricMap> {
  const data = unwrap(await client.api.GET('/v1/jobs/{id}/metrics', { params: { path: { id }, query: { limit: 100_000 } } }))
  const map: MetricMap = new Map()
  for (const s of data.series) {
    const n = s.points.length
    const series: SeriesData = { x: new Array(n), y: new Array(n) }
    for (let i = 0; i < n; i++) {
      series.x[i] = s.points[i].step
      series.y[i] = s.points[i].value
    }
    map.set(s.name, series)
  }
  return map
}
