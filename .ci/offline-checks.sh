#!/usr/bin/env bash
# Offline release checks: what can be verified without a Cloudflare account.
#   1. every environment (top level, staging, production) bundles with `wrangler deploy --dry-run`,
#      and its gzipped bundle stays under BUNDLE_GZIP_BUDGET_KIB;
#   2. the migrations apply from scratch through wrangler (the same path `npm run deploy:*` uses),
#      leave nothing unapplied, create the expected tables and the price-guard trigger, and the
#      demo seed loads on top of them;
#   3. no migration drops or renames a table or column unless it says why that is safe for the
#      Worker version still serving (specs/runbooks/rollback.md, "The migration rule").
# Run from anywhere; needs `npm ci` done. Takes about 40 s (most of it starting wrangler six times).
set -euo pipefail
cd "$(dirname "$0")/.."

export CI=true
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export X_LOCAL_OBSERVABILITY=false

# Measured 209.3 KiB gzip (`gzip -c` of the dry-run bundle; wrangler's "Total Upload ... gzip" line
# agrees within 1 KiB) for every environment, with the catalog administration, CORS and rate limits in.
# Cloudflare's limit is 3 MiB (Free) / 10 MiB (Paid) compressed; this budget is ours, with about 20%
# headroom: it catches a dependency that drags in a large library, long before the platform limit.
BUNDLE_GZIP_BUDGET_KIB=${BUNDLE_GZIP_BUDGET_KIB:-256}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n=== %s ===\n' "$*"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

step "bundle size per environment (budget ${BUNDLE_GZIP_BUDGET_KIB} KiB gzip)"
for env in "" staging production; do
  label=${env:-top-level}
  out="$work/bundle-$label"
  # --env "" selects the top level explicitly (and silences wrangler's multi-environment warning).
  npx wrangler deploy --dry-run --outdir "$out" --env "$env" </dev/null >"$work/dry-run-$label.log" 2>&1 ||
    {
      cat "$work/dry-run-$label.log" >&2
      fail "wrangler deploy --dry-run failed for $label"
    }
  bundle="$out/index.js"
  [[ -s "$bundle" ]] || fail "no bundle at $bundle for $label"
  raw=$(wc -c <"$bundle")
  gz=$(gzip -c "$bundle" | wc -c)
  gz_kib=$(awk -v b="$gz" 'BEGIN { printf "%.1f", b / 1024 }')
  raw_kib=$(awk -v b="$raw" 'BEGIN { printf "%.1f", b / 1024 }')
  printf '%-11s %8s KiB raw  %7s KiB gzip  budget %s KiB\n' "$label" "$raw_kib" "$gz_kib" "$BUNDLE_GZIP_BUDGET_KIB"
  ((gz <= BUNDLE_GZIP_BUDGET_KIB * 1024)) || fail "$label bundle is $gz_kib KiB gzip, over the $BUNDLE_GZIP_BUDGET_KIB KiB budget"
done

step "migrations apply from scratch (wrangler d1 migrations apply --local, fresh state)"
state="$work/d1-state"
d1() { npx wrangler d1 "$@" --local --persist-to "$state" </dev/null; }
d1 migrations apply DB >"$work/apply.log" 2>&1 || {
  cat "$work/apply.log" >&2
  fail "migrations did not apply from scratch"
}
d1 execute DB --file src/db/seed.sql >"$work/seed.log" 2>&1 || {
  cat "$work/seed.log" >&2
  fail "the demo seed does not load on the migrated schema"
}

# One query for everything (each wrangler start costs seconds): schema objects, migrations
# recorded by wrangler, products seeded.
result=$(d1 execute DB --json --command "
  SELECT (SELECT group_concat(object, ' ') FROM (
            SELECT type || ':' || name AS object FROM sqlite_master
            WHERE type IN ('table', 'trigger') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'
            ORDER BY 1)) AS objects,
         (SELECT COUNT(*) FROM d1_migrations) AS applied,
         (SELECT COUNT(*) FROM products) AS products" 2>/dev/null)
read -r applied seeded actual < <(printf '%s' "$result" | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const r = JSON.parse(s)[0].results[0]; console.log(r.applied, r.products, r.objects)
  })')
expected="table:d1_migrations table:idempotency_keys table:order_lines table:orders table:products trigger:order_lines_price_guard"
files=$(find migrations -maxdepth 1 -name '*.sql' | wc -l)
echo "schema:    $actual"
echo "applied:   $applied of $files migration files"
echo "seeded:    $seeded products"
[[ "$actual" == "$expected" ]] || fail "schema after migrations is [$actual], expected [$expected]"
((applied == files)) || fail "d1_migrations records $applied migrations, migrations/ has $files"
((seeded == 1000)) || fail "seed loaded $seeded products, expected 1000"

step "migrations stay compatible with the running Worker (no unexplained DROP / RENAME)"
# A destructive statement is allowed only in a file that carries a line
#   -- compat: <why the previous Worker version keeps working>
# written after the code that stopped using the table or column has been deployed.
bad=0
for file in migrations/*.sql; do
  if grep -Eiq '\b(DROP[[:space:]]+(TABLE|COLUMN)|RENAME[[:space:]]+(TO|COLUMN))\b' "$file" && ! grep -q '^-- compat: ' "$file"; then
    echo "  $file drops or renames without a '-- compat: ' line" >&2
    bad=1
  fi
done
((bad == 0)) || fail "a migration would break the Worker version that is still serving (see specs/runbooks/rollback.md)"
echo "ok: $(find migrations -maxdepth 1 -name '*.sql' | wc -l) migrations, none destructive without a compat note"

printf '\noffline checks passed\n'
