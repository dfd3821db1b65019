// Docker does not run here: check the compose file and Dockerfiles say what a deployment needs.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'

const compose = parse(readFileSync('docker-compose.yml', 'utf8'))
const services = compose.services as Record<string, any>

t.strictSame(Object.keys(services).sort(), ['api', 'postgres', 'redis', 'worker-gpu0'])

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
  t.match(worker, /FROM pytorch\/pytorch:.*cuda/)
  t.match(worker, /node_24\.x/)
  t.match(worker, /COPY python/)
  t.match(worker, /CMD \["node", "bin\/fsdfm.js", "worker"\]/)
})
