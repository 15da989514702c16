// The plan's three parts, for callers that want them together: counting (plan-summary.ts), the
// text rendering (plan-text.ts) and the `--json` document (plan-json.ts).

export * from './plan-summary.js'
export * from './plan-text.js'
export * from './plan-json.js'
