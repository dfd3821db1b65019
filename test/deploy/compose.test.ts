// Docker does not run here: check the compose file and Dockerfiles say what a deployment needs.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'

const compose = parse(readFileSync('docker-compose.yml', 'utf8'))
const services = compose.services as Record<string, any>

t.strictSame(Object.keys(services).sort(), ['api', 'grafana', 'postgres', 'prometheus', 'redis', 'worker-gpu0'])

t.test('api and worker share Redis, PostgreSQL and the artifact volume', async (t) => {
  for (const name of ['api', 'worker-gpu0']) {
    const env = services[name].environment
    t.match(env.DATABASE_URL, /^postgres:\/\/.*@postgres:5432\//, `${name} DATABASE_URL points at the postgres service`)
    t.equal(env.REDIS_URL, 'redis://redis:6379', `${name} REDIS_URL points at the redis service`)
    t.equal(env.FSDFM_ARTIFACT_DIR, '/artifacts')
    t.ok(services[name].volumes.includes('artifacts:/artifacts'), `${name} mounts the artifacts volume`)
    t.match(services[name].depends_on, { redis: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } })
  }
  t.ok('artifacts' in compose.volumes)
  t.match(services.api.ports, ['8080:8080'])
  t.equal(services.api.environment.FSDFM_HOST, '0.0.0.0', 'the api listens beyond loopback inside its container')
})

t.test('the published api takes tokens, its first one from a secret', async (t) => {
  t.equal(services.api.environment.FSDFM_AUTH, 'on')
  t.equal(services.api.environment.FSDFM_ADMIN_TOKEN_FILE, '/run/secrets/admin-token')
  t.strictSame(services.api.secrets, ['admin-token'])
  t.match(compose.secrets, { 'admin-token': { file: './secrets/admin-token' } })
  t.match(readFileSync('docker/api.Dockerfile', 'utf8'), /FSDFM_AUTH=on/, 'the image alone is safe too')
})

t.test('the worker reserves its GPU and owns it', async (t) => {
  const w = services['worker-gpu0']
  const devices = w.deploy.resources.reservations.devices
  t.equal(devices.length, 1)
  t.equal(devices[0].driver, 'nvidia')
  t.strictSame(devices[0].capabilities, ['gpu'])
  t.strictSame(devices[0].device_ids, ['0'])
  t.equal(w.environment.FSDFM_GPUS, '0', 'FSDFM_GPUS matches the reserved device')
  t.equal(w.build.dockerfile, 'docker/worker.Dockerfile')
})

t.test('the Dockerfiles build the two roles', async (t) => {
  const api = readFileSync('docker/api.Dockerfile', 'utf8')
  const worker = readFileSync('docker/worker.Dockerfile', 'utf8')
  t.match(api, /FROM node:24/)
  t.match(api, /CMD \["node", "bin\/fsdfm.js", "api"\]/)
  t.match(api, /COPY web .*\nCOPY scripts\/build-web\.ts .*\nRUN npm run build:web/, 'the api image builds the dashboard it serves')
  t.match(worker, /FROM pytorch\/pytorch:.*cuda/)
  t.match(worker, /node_24\.x/)
  t.match(worker, /COPY python/)
  t.match(worker, /CMD \["node", "bin\/fsdfm.js", "worker"\]/)
})

t.test('the monitoring profile: Prometheus scrapes the api with the token, Grafana shows it', async (t) => {
  const base = ['api', 'postgres', 'redis', 'worker-gpu0']
  for (const name of base) t.notOk(services[name].profiles, `${name} runs without a profile`)
  for (const name of ['prometheus', 'grafana']) t.strictSame(services[name].profiles, ['monitoring'], `${name} only with --profile monitoring`)
  const prom = services.prometheus
  t.match(prom.image, /^prom\/prometheus:v\d/)
  t.ok(prom.volumes.includes('./docker/prometheus.yml:/etc/prometheus/prometheus.yml:ro'), 'the scrape config is the repository’s')
  t.strictSame(prom.secrets, ['admin-token'], 'the token file it sends is mounted')
  const scrape = parse(readFileSync('docker/prometheus.yml', 'utf8')).scrape_configs[0]
  t.equal(scrape.metrics_path, '/metrics')
  t.strictSame(scrape.static_configs[0].targets, ['api:8080'], 'it scrapes the api service')
  t.match(scrape.authorization, { type: 'Bearer', credentials_file: '/run/secrets/admin-token' })
  t.equal(services.api.ports[0].split(':').at(-1), scrape.static_configs[0].targets[0].split(':')[1], 'on the port the api listens on')
  t.match(prom.ports, [/^127\.0\.0\.1:9090:9090$/], 'published on loopback only')

  const grafana = services.grafana
  t.match(grafana.image, /^grafana\/grafana:\d/)
  t.ok(grafana.volumes.includes('./docker/grafana/provisioning:/etc/grafana/provisioning:ro'))
  t.ok(grafana.volumes.includes('./docker/grafana/dashboards:/etc/grafana/dashboards:ro'))
  t.match(grafana.ports, [/^127\.0\.0\.1:3000:3000$/])
  const datasource = parse(readFileSync('docker/grafana/provisioning/datasources/prometheus.yml', 'utf8')).datasources[0]
  t.match(datasource, { type: 'prometheus', uid: 'prometheus', url: 'http://prometheus:9090' }, 'the datasource is the prometheus service')
  const provider = parse(readFileSync('docker/grafana/provisioning/dashboards/fsdfm.yml', 'utf8')).providers[0]
  t.equal(provider.options.path, '/etc/grafana/dashboards', 'dashboards are loaded from where they are mounted')
  const dashboard = JSON.parse(readFileSync('docker/grafana/dashboards/fsdfm.json', 'utf8'))
  type Panel = { datasource: { uid: string }; targets: { datasource: { uid: string } }[] }
  const uids = new Set((dashboard.panels as Panel[]).flatMap((p) => [p.datasource.uid, ...p.targets.map((x) => x.datasource.uid)]))
  t.strictSame([...uids], ['prometheus'], 'every panel queries that datasource')
  for (const name of ['grafana', 'prometheus']) t.ok(name in compose.volumes, `${name} keeps its data in a volume`)
})
