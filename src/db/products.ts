import { asc, eq, gt, sql } from 'drizzle-orm'
import type { PriceEntry } from '../domain/pricing'
import { type Db, jsonList } from './client'
import { type ProductRow, products } from './schema'

export type Product = Omit<ProductRow, never>

const idIn = (ids: readonly string[]) => sql`${products.id} IN (SELECT value FROM json_each(${jsonList(ids)}))`

/** Pricing data for any number of ids in ONE query (ids travel as one JSON parameter). */
export async function findPriceEntries(db: Db, ids: readonly string[]): Promise<PriceEntry[]> {
  if (ids.length === 0) return []
  return db
    .select({ id: products.id, name: products.name, priceCents: products.priceCents, active: products.active })
    .from(products)
    .where(idIn(ids))
}

/** Current stock for any number of ids in ONE query. */
export async function findStock(db: Db, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map()
  const rows = await db.select({ id: products.id, stock: products.stock }).from(products).where(idIn(ids))
  return new Map(rows.map((r) => [r.id, r.stock]))
}

export async function findProduct(db: Db, id: string): Promise<Product | undefined> {
  return db.select().from(products).where(eq(products.id, id)).get()
}

/** One page ordered by id, fetching one extra row to know whether another page follows. */
export async function listProducts(db: Db, after: string | null, limit: number): Promise<Product[]> {
  const query = db.select().from(products)
  return (after === null ? query : query.where(gt(products.id, after))).orderBy(asc(products.id)).limit(limit + 1)
}

export async function pingDatabase(db: Db): Promise<void> {
  await db.get(sql`SELECT 1 AS ok`)
}
