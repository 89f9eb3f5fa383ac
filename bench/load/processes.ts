import { type ChildProcess, spawn } from 'node:child_process'

/**
 * Every process the load test starts runs in its own process group (`detached`), is registered
 * here, and is stopped by its group, on success, on failure and on SIGINT/SIGTERM: SIGTERM first,
 * SIGKILL after a grace period. As a last resort the `exit` hook SIGKILLs what is left.
 */
const groups = new Set<ChildProcess>()
const cleanups: (() => Promise<void> | void)[] = []
let stopping: Promise<void> | null = null

export interface Spawned {
  child: ChildProcess
  /** stdout and stderr so far (bounded), for error messages. */
  output: () => string
}

export function spawnGroup(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: 'pipe' | 'ignore' } = {},
): Spawned {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  groups.add(child)
  child.on('exit', () => groups.delete(child))
  return { child, output: () => output }
}

/** Runs a command to completion in its own group; rejects with its output when it fails or overruns. */
export async function runToEnd(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<string> {
  const { child, output } = spawnGroup(command, args, { env: options.env })
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), options.timeoutMs)
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
  clearTimeout(timer)
  if (code !== 0) throw new Error(`${[command, ...args].join(' ')} failed (exit ${code}):\n${output()}`)
  return output()
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // the group is already gone
  }
}

/** Stops one process group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopGroup(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, 'SIGKILL') // grandchildren may outlive their parent
    return
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  killGroup(child, 'SIGTERM')
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
  killGroup(child, 'SIGKILL')
}

/** Work to do once everything is stopped (e.g. removing temporary directories). */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn)
}

/** Stops every registered process group and runs the cleanups; safe to call more than once. */
export function stopAll(): Promise<void> {
  stopping ??= (async () => {
    await Promise.all([...groups].map((child) => stopGroup(child)))
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn()
      } catch {
        // cleanup is best effort
      }
    }
  })()
  return stopping
}

/**
 * SIGINT/SIGTERM stop everything and exit. So does a hard deadline if the run overruns, and the
 * loss of the parent process (`npm run` can die without passing its signal on).
 */
export function installSignalHandlers(deadlineMs: number): void {
  let bailing = false
  const bail = (reason: string, code: number) => {
    if (bailing) return
    bailing = true
    console.error(`\n${reason}: stopping every process the load test started...`)
    void stopAll().finally(() => process.exit(code))
  }
  process.once('SIGINT', () => bail('interrupted', 130))
  process.once('SIGTERM', () => bail('terminated', 143))
  process.once('SIGHUP', () => bail('hung up', 129))
  const deadline = setTimeout(
    () => bail(`the run exceeded its ${Math.round(deadlineMs / 1000)} s bound`, 3),
    deadlineMs,
  )
  deadline.unref()
  const parent = process.ppid
  const orphaned = setInterval(() => {
    if (process.ppid !== parent) bail('the parent process is gone', 143)
  }, 500)
  orphaned.unref()
  process.on('exit', () => {
    for (const child of groups) killGroup(child, 'SIGKILL')
  })
}
