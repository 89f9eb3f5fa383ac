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

/** The fields an admin write sets; `id` and `updatedAt` come from the path and the clock. */
export interface ProductFields {
  name: string
  priceCents: number
  stock: number
  active: boolean
}

export interface ProductWrite {
  /** The product as stored after the write. */
  product: Product
  /** The product as it was just before the write, in the same atomic batch; undefined when created. */
  previous: Product | undefined
}

// `x + 0` turns a JSON -0 into 0 before it reaches SQLite.
const zeroNormalised = <T extends Partial<ProductFields>>(fields: T): T => ({
  ...fields,
  ...(fields.priceCents === undefined ? {} : { priceCents: fields.priceCents + 0 }),
  ...(fields.stock === undefined ? {} : { stock: fields.stock + 0 }),
})

/**
 * Creates or replaces a product in ONE round trip: a batch (atomic) of a read of the current row
 * and an `INSERT ... ON CONFLICT(id) DO UPDATE ... RETURNING`. The read tells created from replaced
 * and what changed, without a race: nothing can run between the two statements.
 */
export async function upsertProduct(
  db: Db,
  id: string,
  fields: ProductFields,
  updatedAt: string,
): Promise<ProductWrite> {
  const values = { ...zeroNormalised(fields), updatedAt }
  const [before, after] = await db.batch([
    db.select().from(products).where(eq(products.id, id)),
    db
      .insert(products)
      .values({ id, ...values })
      .onConflictDoUpdate({ target: products.id, set: values })
      .returning(),
  ])
  const product = after[0]
  if (!product) throw new Error(`upsert of product ${id} returned no row`)
  return { product, previous: before[0] }
}

/**
 * Changes some fields of an existing product in ONE round trip (read + `UPDATE ... RETURNING` in
 * one atomic batch). Returns undefined, having written nothing, when there is no such product.
 */
export async function patchProduct(
  db: Db,
  id: string,
  fields: Partial<ProductFields>,
  updatedAt: string,
): Promise<ProductWrite | undefined> {
  const set: Partial<ProductFields> & { updatedAt: string } = { updatedAt }
  const normalised = zeroNormalised(fields)
  if (normalised.name !== undefined) set.name = normalised.name
  if (normalised.priceCents !== undefined) set.priceCents = normalised.priceCents
  if (normalised.stock !== undefined) set.stock = normalised.stock
  if (normalised.active !== undefined) set.active = normalised.active
  const [before, after] = await db.batch([
    db.select().from(products).where(eq(products.id, id)),
    db.update(products).set(set).where(eq(products.id, id)).returning(),
  ])
  const product = after[0]
  return product ? { product, previous: before[0] } : undefined
}
