// No cluster runs here: check the Kubernetes manifests say what a deployment needs, and that
// they agree with the configuration schema (src/config.ts) and the images (docker/).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parseAllDocuments } from 'yaml'
import { ConfigSchema, loadConfig } from '../../src/config.ts'

const DIR = 'deploy/k8s'
type Doc = { apiVersion: string; kind: string; metadata: { name: string }; [k: string]: any }
const docs: Doc[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) => parseAllDocuments(readFileSync(join(DIR, f), 'utf8')).map((d) => d.toJS() as Doc))
const find = (kind: string, name: string): Doc => {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name)
  if (!doc) throw new Error(`no ${kind} ${name} in ${DIR}`)
  return doc
}
const configKeys = new Set(Object.keys(ConfigSchema.properties))
const api = find('Deployment', 'fsdfm-api')
const worker = find('Deployment', 'fsdfm-worker-gpu1')
const configMap = find('ConfigMap', 'fsdfm-config')
const secret = find('Secret', 'fsdfm-secrets')
const containerOf = (d: Doc) => d.spec.template.spec.containers[0]
const env = (d: Doc): Record<string, any> => Object.fromEntries(containerOf(d).env.map((e: any) => [e.name, e]))

t.test('kustomization lists every manifest', async (t) => {
  const kust = parseAllDocuments(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'))[0].toJS()
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  t.strictSame([...kust.resources].sort(), files.sort())
})

t.test('every variable the manifests set is a configuration key', async (t) => {
  const named = [...Object.keys(configMap.data), ...Object.keys(secret.stringData).filter((k) => k !== 'admin-token')]
  for (const d of [api, worker]) named.push(...Object.keys(env(d)))
  for (const name of named) t.ok(configKeys.has(name), `${name} is in src/config.ts`)
  t.ok(named.length > 10)
})

t.test('api and worker reach Redis and PostgreSQL through the Secret, and share the artifact PVC', async (t) => {
  const pvc = find('PersistentVolumeClaim', 'fsdfm-artifacts')
  t.strictSame(pvc.spec.accessModes, ['ReadWriteMany'], 'api and workers on different nodes mount it at once')
  for (const d of [api, worker]) {
    for (const key of ['DATABASE_URL', 'REDIS_URL']) t.strictSame(env(d)[key].valueFrom.secretKeyRef, { name: secret.metadata.name, key }, `${d.metadata.name} ${key}`)
    t.strictSame(containerOf(d).envFrom, [{ configMapRef: { name: configMap.metadata.name } }])
    const vol = d.spec.template.spec.volumes.find((v: any) => v.persistentVolumeClaim?.claimName === pvc.metadata.name)
    t.ok(vol, `${d.metadata.name} mounts the artifact PVC`)
    const mount = containerOf(d).volumeMounts.find((m: any) => m.name === vol.name)
    t.equal(mount.mountPath, configMap.data.FSDFM_ARTIFACT_DIR, 'where FSDFM_ARTIFACT_DIR says')
  }
  t.match(secret.stringData.DATABASE_URL, /^postgres:\/\//)
  t.match(secret.stringData.REDIS_URL, /^redis:\/\//)
})

t.test('the api: its image, port and probes match docker/api.Dockerfile and the service', async (t) => {
  const dockerfile = readFileSync('docker/api.Dockerfile', 'utf8')
  const c = containerOf(api)
  t.match(c.image, /^fsdfm-api(:|$)/, 'the image docker/api.Dockerfile builds (see its header)')
  t.match(dockerfile, /docker build -f docker\/api.Dockerfile -t fsdfm-api/)
  t.strictSame(c.args, JSON.parse(dockerfile.match(/^CMD (.*)$/m)![1]))
  const exposed = Number(dockerfile.match(/^EXPOSE (\d+)/m)![1])
  t.equal(c.ports[0].containerPort, exposed)
  t.equal(Number(env(api).FSDFM_PORT.value), exposed)
  t.equal(env(api).FSDFM_HOST.value, '0.0.0.0')
  t.equal(env(api).FSDFM_AUTH.value, 'on', 'listening beyond loopback needs tokens')
  const tokenFile = env(api).FSDFM_ADMIN_TOKEN_FILE.value as string
  const tokenMount = c.volumeMounts.find((m: any) => tokenFile.startsWith(m.mountPath + '/'))
  const tokenVolume = api.spec.template.spec.volumes.find((v: any) => v.name === tokenMount.name)
  t.strictSame(tokenVolume.secret.items, [{ key: 'admin-token', path: tokenFile.slice(tokenMount.mountPath.length + 1) }], 'the token file comes from the Secret')
  t.equal(c.livenessProbe.httpGet.path, '/health')
  t.equal(c.readinessProbe.httpGet.path, '/ready')
  const svc = find('Service', 'fsdfm-api')
  t.strictSame(svc.spec.selector, api.spec.template.metadata.labels, 'the Service selects the api pods')
  t.strictSame(api.spec.selector.matchLabels, api.spec.template.metadata.labels)
  t.equal(svc.spec.ports[0].targetPort, c.ports[0].name)
})

t.test('the worker asks for the GPU it owns, from docker/worker.Dockerfile', async (t) => {
  const dockerfile = readFileSync('docker/worker.Dockerfile', 'utf8')
  const c = containerOf(worker)
  t.match(c.image, /^fsdfm-worker(:|$)/)
  t.match(dockerfile, /docker build -f docker\/worker.Dockerfile -t fsdfm-worker/)
  t.strictSame(c.args, JSON.parse(dockerfile.match(/^CMD (.*)$/m)![1]))
  const gpus = String(env(worker).FSDFM_GPUS.value).split(',')
  t.equal(c.resources.requests['nvidia.com/gpu'], gpus.length, 'one GPU requested per index in FSDFM_GPUS')
  t.equal(c.resources.limits['nvidia.com/gpu'], gpus.length, 'extended resources need the limit equal to the request')
  t.strictSame(gpus, gpus.map((_, i) => String(i)), 'the pod sees its GPUs numbered from 0')
  t.equal(worker.metadata.name, `fsdfm-worker-gpu${gpus.length}`, 'named after the queue it serves')
  t.ok(worker.spec.template.spec.terminationGracePeriodSeconds * 1000 > loadConfig({}, {}).FSDFM_STOP_TIMEOUT_MS, 'SIGTERM leaves the job time to checkpoint')
  t.strictSame(worker.spec.selector.matchLabels, worker.spec.template.metadata.labels)
})
