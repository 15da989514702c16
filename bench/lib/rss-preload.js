// Preloaded (`node --import`) into a measured CLI process: at exit, writes the process's peak
// resident set size in KiB (getrusage's ru_maxrss) to the file named by MZCLUSTER_BENCH_RSS_FILE.

import {writeFileSync} from 'node:fs'

const file = process.env.MZCLUSTER_BENCH_RSS_FILE
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)))
