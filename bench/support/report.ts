import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** The project root (bench/support/ -> ../..). */
export const ROOT = path.resolve(import.meta.dirname, '..', '..')

/** Where committed results go. */
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results')

const PACKAGES = [
  'vitest',
  '@cloudflare/vitest-plugin',
  'wrangler',
  'miniflare',
  'workerd',
  'autocannon',
  'hono',
  'drizzle-orm',
] as const

function packageVersion(name: string): string {
  try {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8'))
    return String(manifest.version)
  } catch {
    return 'not installed'
  }
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return ''
  }
}

export function projectVersion(): string {
  return JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string
}

/** Facts about the run that a reader needs to weigh the figures: when, where, with what. */
export function runFacts(): { label: string; value: string }[] {
  const cpus = os.cpus()
  const commit = git('rev-parse', '--short', 'HEAD')
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== ''
  const load = os.loadavg().map((l) => l.toFixed(2))
  return [
    { label: 'Date', value: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
    {
      label: 'Project',
      value: `${projectVersion()} (commit ${commit || 'unknown'}${dirty ? ', uncommitted changes' : ''})`,
    },
    {
      label: 'Machine',
      value: `${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${gib(os.totalmem())} GiB RAM`,
    },
    { label: 'OS', value: `${os.type()} ${os.release()} (${os.arch()})` },
    { label: 'Load average at start (1/5/15 min)', value: load.join(' / ') },
    { label: 'Node.js', value: process.version },
    { label: 'Packages', value: PACKAGES.map((name) => `${name} ${packageVersion(name)}`).join(', ') },
  ]
}

const gib = (bytes: number) => (bytes / 1024 ** 3).toFixed(1)

export function factsMarkdown(facts = runFacts()): string {
  return facts.map((f) => `- ${f.label}: ${f.value}`).join('\n')
}

/** A GitHub-flavoured markdown table; numbers are right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^([\d.,]+x?|—|)$/.test(String(r[i] ?? ''))),
  )
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(String).join(' | ')} |`
  return [line(headers), line(headers.map((_, i) => (numeric[i] ? '---:' : '---'))), ...rows.map((r) => line(r))].join(
    '\n',
  )
}

/** Milliseconds with a precision that suits their size. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '—'
  if (value >= 100) return value.toFixed(0)
  if (value >= 10) return value.toFixed(1)
  return value.toFixed(2)
}

export function ratio(value: number): string {
  if (!Number.isFinite(value) || value <= 0) return '—'
  return value >= 10 ? `${value.toFixed(0)}x` : `${value.toFixed(1)}x`
}
