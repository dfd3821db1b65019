import t from 'tap'
import { startTestService, tinySample } from '../helpers.ts'
const svc = await startTestService(t)
if (process.env.JOB) await svc.api.waitFor((await svc.api.submit(tinySample())).id)
const time = async (name: string, p: () => Promise<unknown>) => { const s = Date.now(); const r = await Promise.race([p().then(() => 'ok', (e) => 'err ' + e), new Promise((r) => setTimeout(r, 8000, 'HANG'))]); console.error(name, r, Date.now() - s, 'ms') }
await time('app.close', () => svc.app!.close())
await time('bull workers close', () => Promise.all((svc.worker as any).workers.map((w: any) => w.close())))
await time('bridge.close', () => svc.worker!.bridge.close())
await time('queues.close', () => svc.queues.close())
await time('store.close', () => svc.store.close())
t.pass('x')
