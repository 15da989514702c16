#!/usr/bin/env node
// Where Node supports it (≥ 22.1), compiled code is cached on disk between runs; Node 20 lacks
// module.enableCompileCache and skips this. oclif is imported after, so the cache covers it.
import module from 'node:module'

module.enableCompileCache?.()
const [{execute}, {settings}] = await Promise.all([import('@oclif/core/execute'), import('@oclif/core/settings')])
if (process.env.DEBUG?.includes('oclif:perf')) settings.performanceEnabled = true
await execute({dir: import.meta.url})
