declare namespace Cloudflare {
  interface Env {
    /** `full` (npm run bench) or `ci` (npm run bench:ci: fewer cases, shorter runs). */
    BENCH_PROFILE?: string
  }
}
