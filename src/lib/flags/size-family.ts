// Replica size family (flags-spec §13): the coarse targeting axis of replica-scoped flags. Always
// yields a string so every replica context is complete.

export interface SizeFamilySource {
  /** An explicit family from the size map; used verbatim when present. */
  readonly family?: string | null
  /** Whether the size is a credit-based (`cc`) size; absent means true, as in the size map. */
  readonly isCc?: boolean | null
}

/** Explicit `family` wins; otherwise `cc` for cc sizes and `legacy` for the rest. */
export function sizeFamily(size: SizeFamilySource): string {
  if (size.family !== undefined && size.family !== null) return size.family
  return (size.isCc ?? true) ? 'cc' : 'legacy'
}
