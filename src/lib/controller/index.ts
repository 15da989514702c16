// The pure cluster-controller kernel: the ctx seam, strategies, union/diff, merge and the tick.
// Nothing under this folder performs I/O except through the ClusterControllerCtx it is handed.

export * from './context.js'
export * from './report.js'
export * from './shape.js'
export * from './names.js'
export * from './strategy.js'
export * from './strategies/index.js'
export * from './refresh-schedule.js'
export * from './merge.js'
export * from './reconcile.js'
export * from './tick.js'
export * from './overlay-context.js'
