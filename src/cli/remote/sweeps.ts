// Sweeps from the command line: create (and follow), list, get, trials, cancel.
import type { Command } from 'commander'
import { ApiError, unwrap, type FsdfmClient, type Sweep, type SweepCreate } from '../../client/index.ts'
import { clientFor, readSpecFile, remote, type RemoteFlags, type Action } from './context.ts'
import { cell, CliError, EXIT, printJson, table } from './output.ts'

const FOLLOW_POLL_MS = 2000
const example = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`
const nonZero = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ')

function sweepExit(sweep: Sweep): number {
  return sweep.state === 'succeeded' ? EXIT.ok : sweep.state === 'cancelled' ? EXIT.cancelled : EXIT.failed
}

async function getSweep(client: FsdfmClient, id: string): Promise<Sweep> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new CliError(`${JSON.stringify(id)} is not a sweep id (a UUID)`, EXIT.usage)
  return unwrap(await client.api.GET('/v1/sweeps/{id}', { params: { path: { id } } }))
}

function trialsTable(sweep: Sweep): string {
  const params = Object.keys((sweep.spec as { space?: Record<string, unknown> }).space ?? {})
  return table(
    ['TRIAL', 'STATE', sweep.objective.metric, ...params, 'JOB', 'NOTE'],
    sweep.trials.map((t) => [t.index, t.state, t.objective, ...params.map((p) => cell(t.params[p])), t.jobId?.slice(0, 8) ?? '', t.note ?? '']),
  )
}

function summary(sweep: Sweep): string {
  const best = sweep.best ? `best: trial ${sweep.best.index}, ${sweep.objective.metric} = ${cell(sweep.best.objective)} with ${JSON.stringify(sweep.best.params)}` : 'best: none yet'
  return [
    `sweep ${sweep.id} ${sweep.state}${sweep.name ? ` (${sweep.name})` : ''}`,
    `${sweep.kind} trials, ${sweep.method}, objective ${sweep.objective.mode} ${sweep.objective.metric}${sweep.objective.at !== undefined ? ` at ${sweep.objective.at}` : ''}`,
    `trials: ${sweep.total} planned; ${nonZero(sweep.counts) || 'none started'}`,
    best,
  ].join('\n')
}

async function follow(client: FsdfmClient, sweep: Sweep, quiet: boolean): Promise<Sweep> {
  let last = ''
  while (sweep.state === 'running') {
    const counts = nonZero(sweep.counts)
    if (counts !== last && !quiet) process.stderr.write(`sweep ${sweep.id.slice(0, 8)}: ${(last = counts)}\n`)
    await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS))
    sweep = await getSweep(client, sweep.id)
  }
  return sweep
}

async function create(options: RemoteFlags & { file: string; follow?: boolean }): Promise<number> {
  const { client } = clientFor(options)
  const sweep = unwrap(await client.api.POST('/v1/sweeps', { body: readSpecFile(options.file) as SweepCreate }))
  if (!options.follow) {
    if (options.json) printJson(sweep)
    else console.log(`created sweep ${sweep.id}: ${sweep.total} ${sweep.kind} trials\nfollow it: fsdfm sweep get ${sweep.id}`)
    return EXIT.ok
  }
  const end = await follow(client, sweep, Boolean(options.json))
  if (options.json) printJson(end)
  else console.log(`${summary(end)}\n\n${trialsTable(end)}`)
  return sweepExit(end)
}

async function show(id: string, options: RemoteFlags): Promise<number> {
  const { client } = clientFor(options)
  const sweep = await getSweep(client, id)
  if (options.json) printJson(sweep)
  else console.log(`${summary(sweep)}\n\n${trialsTable(sweep)}`)
  return EXIT.ok
}

async function trials(id: string, options: RemoteFlags & { csv?: boolean }): Promise<number> {
  const { client } = clientFor(options)
  if (options.csv) {
    const res = await client.raw(`/v1/sweeps/${encodeURIComponent(id)}/trials.csv`)
    if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null), `${res.status} ${res.statusText}`)
    process.stdout.write(await res.text())
    return EXIT.ok
  }
  const sweep = await getSweep(client, id)
  if (options.json) printJson(sweep.trials)
  else console.log(trialsTable(sweep))
  return EXIT.ok
}

async function list(options: RemoteFlags & { limit?: number }): Promise<number> {
  const { client } = clientFor(options)
  const { items } = unwrap(await client.api.GET('/v1/sweeps', { params: { query: { limit: options.limit } } }))
  if (options.json) printJson(items)
  else console.log(items.length ? table(['ID', 'STATE', 'KIND', 'OBJECTIVE', 'TRIALS', 'NAME'], items.map((s) => [s.id, s.state, s.kind, `${s.objective.mode} ${s.objective.metric}`, nonZero(s.counts), s.name ?? ''])) : 'no sweeps')
  return EXIT.ok
}

async function cancel(id: string, options: RemoteFlags): Promise<number> {
  const { client } = clientFor(options)
  const sweep = unwrap(await client.api.POST('/v1/sweeps/{id}/cancel', { params: { path: { id } } }))
  if (options.json) printJson(sweep)
  else console.log(`sweep ${sweep.id} ${sweep.state}`)
  return EXIT.ok
}

export function registerSweepCommands(program: Command, action: Action): void {
  const sweep = program
    .command('sweep')
    .summary('hyper-parameter sweeps: create, follow, read trials')
    .description('Hyper-parameter sweeps: each trial is a job; the objective judges them (examples/ has full scripts).')
    .addHelpText('after', example('fsdfm sweep create -f sweep.yaml --follow', 'fsdfm sweep trials 5e2f8a31-7c4d-4e2b-8f61-2a9c0d3b7e42 --csv'))
  remote(
    sweep
      .command('create')
      .description('Create a sweep from a JSON or YAML file ({base, space, objective, method?, maxTrials?, ...}); with --follow, wait for it and print the trials')
      .requiredOption('-f, --file <path>', 'the sweep (JSON or YAML; - reads standard input)')
      .option('--follow', 'wait until the sweep ends, printing trial counts as they change'),
  )
    .addHelpText('after', example('fsdfm sweep create -f sweep.yaml --follow'))
    .action(action(create))
  remote(sweep.command('get').description('Show a sweep: counts, the best trial, the trials table').argument('<id>', 'sweep id'))
    .addHelpText('after', example('fsdfm sweep get 5e2f8a31-7c4d-4e2b-8f61-2a9c0d3b7e42'))
    .action(action(show))
  remote(sweep.command('trials').description('The trials table, best first').argument('<id>', 'sweep id').option('--csv', 'as CSV (a column per parameter and key metric)'))
    .addHelpText('after', example('fsdfm sweep trials 5e2f8a31-7c4d-4e2b-8f61-2a9c0d3b7e42 --csv > trials.csv'))
    .action(action(trials))
  remote(sweep.command('list').description('List sweeps, newest first').option('--limit <n>', 'at most this many', (v) => Number(v)))
    .addHelpText('after', example('fsdfm sweep list'))
    .action(action(list))
  remote(sweep.command('cancel').description('Cancel a sweep: queued trials never start, running ones stop').argument('<id>', 'sweep id'))
    .addHelpText('after', example('fsdfm sweep cancel 5e2f8a31-7c4d-4e2b-8f61-2a9c0d3b7e42'))
    .action(action(cancel))
}
