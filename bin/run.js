#!/usr/bin/env node
import {execute, settings} from '@oclif/core'

if (process.env.DEBUG?.includes('oclif:perf')) settings.performanceEnabled = true
await execute({dir: import.meta.url})
