// Follows rank 0's report file (JSON lines from python/fsdfm/ranks.py) from where it was last
// read: only whole lines are taken, so a line still being written is read next time.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import type { MetricPoint } from '../../store/types.ts'

export interface RankRecords {
  metrics: MetricPoint[]
  logs: string[]
  progress: Record<string, unknown> | null
  result: Record<string, unknown> | null
  error: { type: string; message: string; frame?: string; traceback?: string } | null
}

export class ReportFollower {
  private offset = 0

  constructor(readonly file: string) {}

  read(): RankRecords {
    const out: RankRecords = { metrics: [], logs: [], progress: null, result: null, error: null }
    if (!existsSync(this.file)) return out
    const size = statSync(this.file).size
    if (size <= this.offset) return out
    const buf = Buffer.alloc(size - this.offset)
    const fd = openSync(this.file, 'r')
    try {
      readSync(fd, buf, 0, buf.length, this.offset)
    } finally {
      closeSync(fd)
    }
    const end = buf.lastIndexOf(0x0a)
    if (end < 0) return out
    this.offset += end + 1
    for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
      let r: Record<string, unknown>
      try {
        r = JSON.parse(line)
      } catch {
        continue // not a report line (a library printing on stdout)
      }
      if (r.t === 'metric' && typeof r.name === 'string' && Number.isSafeInteger(r.step) && typeof r.value === 'number') out.metrics.push({ name: r.name, step: r.step as number, value: r.value })
      else if (r.t === 'log' && typeof r.line === 'string') out.logs.push(r.line)
      else if (r.t === 'progress' && r.progress && typeof r.progress === 'object') out.progress = r.progress as Record<string, unknown>
      else if (r.t === 'result' && r.result && typeof r.result === 'object') out.result = r.result as Record<string, unknown>
      else if (r.t === 'error' && r.error && typeof r.error === 'object') out.error = r.error as RankRecords['error']
    }
    return out
  }
}
