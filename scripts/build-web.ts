// Builds the dashboard (web/) into web/dist: one JavaScript bundle and one stylesheet from the
// TypeScript sources and the npm packages they import, so the api serves it with no network at
// run time. npm ci runs it (the `prepare` script), and so does scripts/setup.sh; it takes well
// under a second.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const web = fileURLToPath(new URL('../web/', import.meta.url))
const dist = `${web}dist`
rmSync(dist, { recursive: true, force: true })
mkdirSync(dist, { recursive: true })
await build({
  entryPoints: { app: `${web}src/main.tsx` },
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: dist,
  logLevel: 'warning',
})
copyFileSync(`${web}index.html`, `${dist}/index.html`)
console.log(`dashboard built into ${dist}`)
