#!/usr/bin/env node
// Development entry: compiles first (tsc is incremental-fast enough), then runs the fresh build,
// so a stale dist/ can never answer for src/.
import {execFileSync} from 'node:child_process'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
execFileSync('npm', ['run', '--silent', 'build'], {cwd: root, stdio: ['ignore', 'ignore', 'inherit']})
const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
