import type { Bench, BenchRunOptions, BenchStorage, TestContext } from 'vitest'
import { type PricingCaseOptions, pricingCase, profile, type Variant } from './harness'
import type { BenchGroupMeta } from './meta'

/**
 * Run options of every comparison. Slow cases (the N+1 baseline at 100+ lines takes about half a
 * second per request locally) are bounded by `iterations`, fast ones by `time`. The CI profile is
 * the short regression gate; `full` is what the committed report is made from.
 */
export function runOptions(): BenchRunOptions {
  return profile() === 'ci'
    ? { time: 400, iterations: 3, warmupIterations: 1, warmupTime: 0, throws: true }
    : { time: 1_000, iterations: 5, warmupIterations: 1, warmupTime: 0, throws: true }
}

export interface PricingGroup extends Omit<PricingCaseOptions, 'ids'> {
  section: string
  label: string
  lines: number
  delayMs?: number
  variants: readonly Variant[]
  ids: readonly string[]
}

/**
 * Benchmarks the given variants of one request side by side, in one `bench.compare`, and records
 * what each case measured (round trips, cache hits) on the test for the report.
 */
export async function comparePricing(
  context: Pick<TestContext, 'bench' | 'task'>,
  group: PricingGroup,
): Promise<BenchStorage<Variant>> {
  const { bench, task } = context
  const cases = group.variants.map((variant) => ({ variant, ...pricingCase(variant, group) }))
  const registrations = cases.map(({ variant, hooks, run }) => bench(variant, hooks, run))
  const result = await (bench as Bench).compare(...registrations, runOptions())
  const meta: BenchGroupMeta = {
    section: group.section,
    label: group.label,
    lines: group.lines,
    ...(group.delayMs === undefined ? {} : { delayMs: group.delayMs }),
    ...(group.variants.includes('before') ? { baseline: 'before' } : {}),
    cases: Object.fromEntries(cases.map(({ variant, meta }) => [variant, meta()])),
  }
  task.meta.benchGroup = meta
  return result as BenchStorage<Variant>
}

/** `factor` as the `delta` of `toBeFasterThan`: faster by at least that factor. */
export const byFactor = (factor: number): { delta: number } => ({ delta: 1 - 1 / factor })
