// The refusals that `cluster create` and `cluster alter` share (the seed's rules, controller-spec
// §5.5), in the words of the command line: one wording whichever command refuses.

export const hydrationSizeEqualsSizeMessage = (size: string): string =>
  `--hydration-size must differ from the cluster's size (${size}): a burst replica of the same size would not speed up hydration`
export const AUTO_SCALING_WITH_SCHEDULE_MESSAGE = '--hydration-size (auto-scaling) only works with --schedule manual'
export const REPLICATION_FACTOR_WITH_SCHEDULE_MESSAGE =
  '--replication-factor only applies with --schedule manual: on another schedule, the schedule decides when a replica runs'
