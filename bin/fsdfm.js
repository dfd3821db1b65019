#!/usr/bin/env node
// Entry point: registers the tsx loader so the TypeScript sources run without a build step.
import { register } from 'node:module'
import { pathToFileURL } from 'node:url'
register('tsx/esm', pathToFileURL('./'))
await import('../src/cli/index.ts')
