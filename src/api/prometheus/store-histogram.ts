// A histogram whose buckets are counted by the store rather than observed in this process.
// prom-client's Histogram only grows by observe(); the run-time histogram is instead recomputed
// from startedAt/finishedAt at every scrape, so that it is right whichever process ran the job
// and however many api processes (or Prometheus servers) there are: an api process that
// observed "jobs finished since my last scrape" would count each job once per api process
// scraped, and split it between two Prometheus servers scraping one api.
import type { MetricDef } from './metrics.ts'

export interface HistogramSeries {
  labels: Record<string, string>
  /** Cumulative: counts[i] observations were at most bounds[i]. */
  counts: number[]
  count: number
  sum: number
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
const labelText = (labels: Record<string, string>) => `{${Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`

/**
 * Rendered in the text exposition format by itself and appended to the registry's output:
 * prom-client's Histogram only grows by observe(), and its registry reads histograms through
 * internals, so this one does not pretend to be one.
 */
export class StoreHistogram {
  private series: HistogramSeries[] = []

  constructor(
    private readonly def: MetricDef,
    readonly bounds: readonly number[],
  ) {}

  get name(): string {
    return this.def.name
  }

  /** Replaces every series (what the store says now). */
  set(series: HistogramSeries[]): void {
    this.series = series
  }

  reset(): void {
    this.series = []
  }

  /** The family in the text format (0.0.4), ending with a newline. */
  render(): string {
    const lines = [`# HELP ${this.def.name} ${this.def.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${this.def.name} histogram`]
    for (const s of this.series) {
      this.bounds.forEach((le, i) => lines.push(`${this.def.name}_bucket${labelText({ ...s.labels, le: String(le) })} ${s.counts[i] ?? 0}`))
      lines.push(`${this.def.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`)
      lines.push(`${this.def.name}_sum${labelText(s.labels)} ${s.sum}`)
      lines.push(`${this.def.name}_count${labelText(s.labels)} ${s.count}`)
    }
    return `${lines.join('\n')}\n`
  }
}
