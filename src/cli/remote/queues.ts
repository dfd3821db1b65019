// `fsdfm queues`: what each queue holds (GET /v1/queues), and pause/resume (a superuser's).
import type { Command } from 'commander'
import { unwrap, type Queue } from '../../client/index.ts'
import { clientFor, offered, remote, type RemoteFlags, type Action } from './context.ts'
import { duration, EXIT, printJson, table } from './output.ts'

const print = (items: Queue[]) =>
  console.log(table(['QUEUE', 'WAITING', 'RUNNING', 'DELAYED', 'OLDEST WAIT', 'PAUSED'], items.map((q) => [q.name, q.waiting, q.running, q.delayed, duration(q.oldestWaitSeconds), q.paused ? 'yes' : 'no'])))

async function list(options: RemoteFlags): Promise<number> {
  const { client, target } = clientFor(options)
  const { items } = await offered('a queues listing', target.url, async () => unwrap(await client.api.GET('/v1/queues')))
  if (options.json) printJson(items)
  else print(items)
  return EXIT.ok
}

const change = (action: 'pause' | 'resume') =>
  async function (name: string, options: RemoteFlags): Promise<number> {
    const { client, target } = clientFor(options)
    const path = action === 'pause' ? '/v1/queues/{name}/pause' : '/v1/queues/{name}/resume'
    const queue = await offered(`queue ${action}`, target.url, async () => unwrap(await client.api.POST(path, { params: { path: { name } } })))
    if (options.json) printJson(queue)
    else print([queue])
    return EXIT.ok
  }

export function registerQueueCommands(program: Command, action: Action): void {
  const queues = program
    .command('queues')
    .summary('list the queues; pause and resume one')
    .description('The BullMQ queues (data, cpu, gpuN): jobs waiting and running, the oldest wait, paused or not. A paused queue keeps its jobs; no worker takes a new one until it is resumed (a superuser’s).')
    .addHelpText('after', '\nExamples:\n  $ fsdfm queues\n  $ fsdfm queues pause gpu1\n  $ fsdfm queues resume gpu1\n')
  remote(queues.command('list', { isDefault: true }).description('List the queues')).action(action(list))
  remote(queues.command('pause').description('Pause a queue: workers take no new job from it').argument('<name>', 'queue name: data, cpu or gpuN')).action(action(change('pause')))
  remote(queues.command('resume').description('Resume a paused queue').argument('<name>', 'queue name: data, cpu or gpuN')).action(action(change('resume')))
}
