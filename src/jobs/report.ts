// Renders an evaluate job's structured report as a fixed-width table: one row per model and
// step budget, one generative-perplexity column per judge.
type Num = number | null | undefined

interface BudgetRow {
  genPpl?: Record<string, Num>
  entropy?: Num
  wallSeconds?: Num
  tokensPerSecond?: Num
}

interface ModelReport {
  budgets?: Record<string, BudgetRow>
  elbo?: Num | { perplexity?: Num }
  infillAccuracy?: Num
}

const fmt = (v: Num, digits = 2): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '-')

export function renderReportTable(report: Record<string, unknown>): string {
  const models = (report.models ?? {}) as Record<string, ModelReport>
  const judges = new Set<string>()
  for (const m of Object.values(models)) for (const b of Object.values(m.budgets ?? {})) for (const j of Object.keys(b.genPpl ?? {})) judges.add(j)
  const judgeList = [...judges]
  const header = ['model', 'steps', ...judgeList.map((j) => `ppl:${j}`), 'entropy', 'wall s', 'tok/s']
  const rows: string[][] = []
  for (const [name, m] of Object.entries(models)) {
    const budgets = Object.entries(m.budgets ?? {}).sort((a, b) => Number(a[0]) - Number(b[0]))
    for (const [steps, b] of budgets) {
      rows.push([name, steps, ...judgeList.map((j) => fmt(b.genPpl?.[j])), fmt(b.entropy, 3), fmt(b.wallSeconds, 3), fmt(b.tokensPerSecond, 0)])
    }
  }
  const reference = (report.reference as { validation?: { genPpl?: Record<string, Num>; entropy?: Num } } | undefined)?.validation
  if (reference) rows.push(['validation text', '-', ...judgeList.map((j) => fmt(reference.genPpl?.[j])), fmt(reference.entropy, 3), '-', '-'])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => (i < 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)]
  const extras = Object.entries(models)
    .map(([name, m]) => {
      const elbo = typeof m.elbo === 'object' && m.elbo !== null ? m.elbo.perplexity : m.elbo
      const parts = [elbo !== undefined ? `ELBO perplexity bound ${fmt(elbo)}` : null, m.infillAccuracy !== undefined ? `infill accuracy ${fmt(m.infillAccuracy, 3)}` : null].filter(Boolean)
      return parts.length ? `${name}: ${parts.join(', ')}` : null
    })
    .filter(Boolean)
  return [...out, ...(extras.length ? ['', ...extras] : [])].join('\n') + '\n'
}
