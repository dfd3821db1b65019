// `fsdfm webhooks`: a project's signed webhooks (a project admin's): add, list, remove, and the
// delivery log of one.
import type { Command } from 'commander'
import type { Webhook, WebhookDelivery } from '../../client/index.ts'
import { clientFor, offered, remote, type RemoteFlags, type Action } from './context.ts'
import { EXIT, printJson, table } from './output.ts'

interface ProjectFlags extends RemoteFlags {
  project: string
}

const printHooks = (items: Webhook[]) =>
  console.log(table(['ID', 'URL', 'EVENTS', 'ACTIVE', 'DESCRIPTION'], items.map((w) => [w.id, w.url, w.events.join(','), w.active ? 'yes' : 'no', w.description ?? ''])))

async function add(url: string, options: ProjectFlags & { event?: string[]; description?: string }): Promise<number> {
  const { client, target } = clientFor(options)
  const events = options.event?.flatMap((e) => e.split(',')).filter(Boolean) as Webhook['events'] | undefined
  const made = await offered('webhooks', target.url, () => client.createWebhook(options.project, { url, events, description: options.description, active: true }))
  if (options.json) printJson(made)
  else {
    printHooks([made.webhook])
    console.log(`secret (shown only now; it signs every delivery): ${made.secret}`)
  }
  return EXIT.ok
}

async function list(options: ProjectFlags): Promise<number> {
  const { client, target } = clientFor(options)
  const items = await offered('webhooks', target.url, () => client.webhooks(options.project))
  if (options.json) printJson(items)
  else printHooks(items)
  return EXIT.ok
}

async function rm(id: string, options: ProjectFlags): Promise<number> {
  const { client, target } = clientFor(options)
  const removed = await offered('webhooks', target.url, () => client.deleteWebhook(options.project, id))
  if (options.json) printJson(removed)
  else console.log(`removed webhook ${removed.id} (${removed.url})`)
  return EXIT.ok
}

const lastAttempt = (d: WebhookDelivery) => d.log[d.log.length - 1]

async function deliveries(id: string, options: ProjectFlags & { state?: WebhookDelivery['state']; limit?: string }): Promise<number> {
  const { client, target } = clientFor(options)
  const items = await offered('webhooks', target.url, () => client.webhookDeliveries(options.project, id, { state: options.state, limit: options.limit ? Number(options.limit) : undefined }))
  if (options.json) printJson(items)
  else
    console.log(
      table(
        ['DELIVERY', 'EVENT', 'JOB', 'STATE', 'ATTEMPTS', 'LAST STATUS', 'LAST ERROR', 'CREATED'],
        items.map((d) => [d.id, d.event, d.jobId ?? '', d.state, d.attempts, lastAttempt(d)?.status ?? '', lastAttempt(d)?.error ?? '', d.createdAt]),
      ),
    )
  return EXIT.ok
}

export function registerWebhookCommands(program: Command, action: Action): void {
  const hooks = program
    .command('webhooks')
    .summary('a project’s signed webhooks: add, list, remove, deliveries')
    .description('Job events of a project POSTed to a URL, signed with a secret shown once (README, "Operating it", Webhooks). A project admin’s.')
    .addHelpText('after', '\nExamples:\n  $ fsdfm webhooks add https://ci.lab.org/fsdfm --project vision --event job.succeeded,job.failed\n  $ fsdfm webhooks list --project vision\n  $ fsdfm webhooks deliveries <id> --project vision --state failed\n  $ fsdfm webhooks rm <id> --project vision\n')
  const withProject = (cmd: Command) => remote(cmd).requiredOption('--project <name>', 'the project')
  withProject(hooks.command('add').description('Add a webhook; prints its secret once').argument('<url>', 'an http:// or https:// URL'))
    .option('--event <events...>', 'events to deliver, e.g. job.succeeded,job.failed (default: every event)')
    .option('--description <text>', 'what it is for')
    .action(action(add))
  withProject(hooks.command('list', { isDefault: true }).description('List the project’s webhooks (never their secrets)')).action(action(list))
  withProject(hooks.command('rm').description('Remove a webhook and its delivery log').argument('<id>', 'webhook id')).action(action(rm))
  withProject(hooks.command('deliveries').description('A webhook’s deliveries, newest first, with their last attempt').argument('<id>', 'webhook id'))
    .option('--state <state>', 'pending, delivered or failed')
    .option('--limit <n>', 'at most this many (default 50)')
    .action(action(deliveries))
}
