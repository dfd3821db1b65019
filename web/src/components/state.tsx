// A job's or trial's state as a badge, and a job's progress as a bar.
import type { Job } from '../../../src/client/index.ts'
import { duration } from '../format.ts'

export const StateBadge = ({ state }: { state: string }) => <span class={`state state-${state}`}>{state}</span>

export function ProgressBar({ job }: { job: Pick<Job, 'progress' | 'state'> }) {
  const p = job.progress
  if (!p?.total) return <span class="muted">–</span>
  const frac = Math.min(1, (p.step ?? 0) / p.total)
  const eta = job.state === 'running' && p.etaSeconds ? ` · ETA ${duration(p.etaSeconds)}` : ''
  return (
    <span class="progress">
      <progress max={p.total} value={p.step ?? 0} aria-label={`${p.step ?? 0} of ${p.total}`} />
      <span>
        {p.step ?? 0}/{p.total}
        {typeof p.loss === 'number' ? ` · loss ${p.loss.toFixed(3)}` : ''}
        {eta}
      </span>
      <span class="sr-only">{Math.round(frac * 100)}%</span>
    </span>
  )
}
