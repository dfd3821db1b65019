// A histogram whose buckets are counted by the store rather than observed in this process.
// prom-client's Histogram only grows by observe(); the run-time histogram is instead recomputed
// from startedAt/finishedAt at every scrape, so that it is right whichever process ran the job
// and however many api processes (or Prometheus servers) there are: an api process that
// observed "jobs finished since my last scrape" would count each job once per api process
// scraped, and split it between two Prometheus servers scraping one api.
import type { Metric } from 'prom-client'
import type { MetricDef } from './metrics.ts'

export interface HistogramSeries {
  labels: Record<string, string>
  /** Cumulative: counts[i] observations were at most bounds[i]. */
  counts: number[]
  count: number
  sum: number
}

export class StoreHistogram {
  readonly type = 'histogram'
  readonly aggregator = 'max'
  readonly name: string
  readonly help: string
  private series: HistogramSeries[] = []

  constructor(
    def: MetricDef,
    readonly bounds: readonly number[],
  ) {
    this.name = def.name
    this.help = def.help
  }

  /** Replaces every series (what the store says now). */
  set(series: HistogramSeries[]): void {
    this.series = series
  }

  reset(): void {
    this.series = []
  }

  /** What prom-client's Registry reads when it renders the exposition text. */
  async get() {
    const values = this.series.flatMap((s) => [
      ...this.bounds.map((le, i) => ({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le }, value: s.counts[i] ?? 0 })),
      { metricName: `${this.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count },
      { metricName: `${this.name}_sum`, labels: s.labels, value: s.sum },
      { metricName: `${this.name}_count`, labels: s.labels, value: s.count },
    ])
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  /** As the Registry's registerMetric expects it (it reads only name and get()). */
  asMetric(): Metric {
    return this as unknown as Metric
  }
}
