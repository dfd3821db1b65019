// Operations, for superusers: each queue's depth and oldest wait (pause and resume), each
// worker's host, devices, current job and last heartbeat. Refreshed when a job changes state
// (the event stream says so) and on demand; no polling loop.
import { useEffect, useState } from 'preact/hooks'
import { unwrap, type Job, type Queue, type Worker } from '../../../src/client/index.ts'
import { useApp } from '../context.ts'
import { ago, bytes, duration, errorText, shortId } from '../format.ts'
import { href } from '../router.ts'

export function OpsPage() {
  const { session, live } = useApp()
  const api = session.client.api
  const [queues, setQueues] = useState<Queue[]>([])
  const [workers, setWorkers] = useState<Worker[]>([])
  const [running, setRunning] = useState<Job[]>([])
  const [error, setError] = useState<string | null>(null)
  const [at, setAt] = useState(Date.now())
  const load = async () => {
    try {
      const [q, w, r] = await Promise.all([api.GET('/v1/queues'), api.GET('/v1/workers'), api.GET('/v1/jobs', { params: { query: { state: 'running', limit: 500 } } })])
      setQueues(unwrap(q).items)
      setWorkers(unwrap(w).items)
      setRunning(unwrap(r).items)
      setAt(Date.now())
      setError(null)
    } catch (err) {
      setError(errorText(err))
    }
  }
  useEffect(() => {
    void load()
    let timer: ReturnType<typeof setTimeout> | undefined
    // Many state changes at once (a sweep starting) make one refresh.
    const off = live.subscribe((e) => {
      if (e.type !== 'state' || timer) return
      timer = setTimeout(() => ((timer = undefined), void load()), 500)
    })
    return () => (off(), clearTimeout(timer))
  }, [])
  const toggle = async (q: Queue) => {
    try {
      const params = { params: { path: { name: q.name } } }
      unwrap(q.paused ? await api.POST('/v1/queues/{name}/resume', params) : await api.POST('/v1/queues/{name}/pause', params))
      await load()
    } catch (err) {
      setError(errorText(err))
    }
  }
  return (
    <section aria-labelledby="ops-h">
      <div class="heading">
        <h1 id="ops-h">Operations</h1>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
        <span class="muted">as of {new Date(at).toLocaleTimeString()}</span>
      </div>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <h2>Queues</h2>
      <table data-table="queues">
        <thead>
          <tr>
            <th scope="col">queue</th>
            <th scope="col">waiting</th>
            <th scope="col">running</th>
            <th scope="col">delayed</th>
            <th scope="col">oldest wait</th>
            <th scope="col">state</th>
            <th scope="col">
              <span class="sr-only">action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {queues.map((q) => (
            <tr>
              <th scope="row">{q.name}</th>
              <td>{q.waiting}</td>
              <td>{q.running}</td>
              <td>{q.delayed}</td>
              <td>{duration(q.oldestWaitSeconds)}</td>
              <td>{q.paused ? <span class="state state-failed">paused</span> : 'taking jobs'}</td>
              <td>
                <button type="button" class="small" onClick={() => void toggle(q)}>
                  {q.paused ? 'Resume' : 'Pause'} <span class="sr-only">{q.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Workers</h2>
      <table data-table="workers">
        <thead>
          <tr>
            <th scope="col">worker</th>
            <th scope="col">host</th>
            <th scope="col">queues</th>
            <th scope="col">devices</th>
            <th scope="col">current job</th>
            <th scope="col">last heartbeat</th>
          </tr>
        </thead>
        <tbody>
          {workers.map((w) => {
            const jobs = running.filter((j) => j.worker === w.name)
            return (
              <tr class={w.live ? undefined : 'muted'}>
                <th scope="row">
                  {w.name} {w.live ? '' : '(down)'}
                </th>
                <td>{w.host}</td>
                <td>{w.queues.join(', ')}</td>
                <td>
                  {w.gpus ? `${w.gpus} GPU` : 'CPU'}
                  {w.memoryBytes ? `, ${bytes(w.memoryBytes)}` : ''}
                </td>
                <td>
                  {jobs.length
                    ? jobs.map((j) => (
                        <a href={href('jobs', j.id)}>
                          {j.kind} {shortId(j.id)}{' '}
                        </a>
                      ))
                    : 'idle'}
                </td>
                <td title={w.heartbeatAt}>{ago(w.heartbeatAt, at)}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </section>
  )
}
