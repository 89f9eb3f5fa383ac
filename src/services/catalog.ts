import { type ProductWrite, patchProduct, upsertProduct } from '../db/products'
import { AppError } from '../domain/errors'
import type { PriceEntry } from '../domain/pricing'
import type { Deps } from './deps'

type Fields = Parameters<typeof upsertProduct>[2]

/** Creates or replaces a product; a change of anything pricing reads refreshes the price cache now. */

export async function saveProduct(id: string, fields: Fields, deps: Deps) {
  const write = await upsertProduct(deps.db, id, fields, deps.now().toISOString())
  await refreshPriceCache(write, deps)
  return { product: write.product, created: write.previous === undefined }
}

/** Changes some fields of an existing product (404 when there is none), refreshing the cache likewise. */
export async function changeProduct(id: string, fields: Partial<Fields>, deps: Deps) {
  const write = await patchProduct(deps.db, id, fields, deps.now().toISOString())
  if (!write) throw new AppError('PRODUCT.NOT_FOUND', `No product with id ${JSON.stringify(id)}; create it with PUT.`)
  await refreshPriceCache(write, deps)
  return write.product
}

/** Writes the new price entry (not just a delete) when anything pricing reads has changed. */
async function refreshPriceCache({ product, previous }: ProductWrite, deps: Deps): Promise<void> {
  const entry: PriceEntry = {
    id: product.id,
    name: product.name,
    priceCents: product.priceCents,
    active: product.active,
  }
  const changed =
    previous === undefined ||
    previous.name !== entry.name ||
    previous.priceCents !== entry.priceCents ||
    previous.active !== entry.active
  if (changed) await deps.prices.put(entry)
}
