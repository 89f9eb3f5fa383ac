import { z } from '@hono/zod-openapi'
import { IDEMPOTENCY_KEY_PATTERN, LIMITS, PRODUCT_ID_PATTERN } from '../config'

/** Any text a person types: no control characters (C0, DEL, C1), valid Unicode only. */
const NO_CONTROL_CHARS = /^[^\p{Cc}\p{Cs}]*$/u
/**
 * A display name: no control characters, no lone surrogates, no line/paragraph separators and no
 * bidirectional embedding/override/isolate controls (they can make a name render as another).
 */
const DISPLAY_TEXT = /^[^\p{Cc}\p{Cs}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]*$/u

export const ProductIdSchema = z
  .string()
  .regex(PRODUCT_ID_PATTERN, 'must be 1..64 characters of A-Z, a-z, 0-9, ".", "_" or "-"')
  .openapi({ example: 'SKU-00042' })

export const ProductSchema = z
  .object({
    id: ProductIdSchema,
    name: z.string(),
    priceCents: z.number().int().min(0),
    currency: z.string().openapi({ example: 'USD' }),
    stock: z.number().int().min(0),
    active: z.boolean(),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Product')

export const ProductPageSchema = z
  .object({
    items: z.array(ProductSchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: 'Pass as `cursor` to get the next page; null on the last page.' }),
  })
  .openapi('ProductPage')

export const ProductListQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `must be an integer from 1 to ${LIMITS.pageSizeMax}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(LIMITS.pageSizeMax))
    .optional()
    .openapi({ type: 'integer', minimum: 1, maximum: LIMITS.pageSizeMax, default: LIMITS.pageSizeDefault }),
  cursor: z.string().max(200).optional().openapi({ description: 'Opaque cursor from a previous page.' }),
})

/** Path parameter of the admin routes: an id that a product may have (GET treats others as 404). */
export const ProductIdParamSchema = z.object({ id: ProductIdSchema })

const ProductNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty or blank')
  .max(LIMITS.maxNameLength, `must be at most ${LIMITS.maxNameLength} characters`)
  .regex(DISPLAY_TEXT, 'must not contain control, line-separator or bidirectional-override characters')
  .openapi({ description: 'Display name; surrounding whitespace is trimmed.', example: 'Eco Mug #42' })
const PriceCentsSchema = z
  .number()
  .int()
  .min(0)
  .max(LIMITS.maxPriceCents)
  .openapi({ description: 'Unit price in minor units of the store currency.', example: 1299 })
const StockSchema = z.number().int().min(0).max(LIMITS.maxStock).openapi({ example: 250 })

export const ProductPutSchema = z
  .strictObject({
    name: ProductNameSchema,
    priceCents: PriceCentsSchema,
    stock: StockSchema,
    active: z
      .boolean()
      .optional()
      .openapi({ description: 'Omitted means true, on replace as on create (PUT replaces the whole product).' }),
  })
  .openapi('ProductInput')

export const ProductPatchSchema = z
  .strictObject({
    name: ProductNameSchema.optional(),
    priceCents: PriceCentsSchema.optional(),
    stock: StockSchema.optional(),
    active: z.boolean().optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'must change at least one of name, priceCents, stock, active',
  })
  .openapi('ProductPatch')

export const CartItemSchema = z
  .strictObject({
    productId: ProductIdSchema,
    quantity: z.number().int().min(1).max(LIMITS.maxQuantity),
  })
  .openapi('CartItem')

const cartItems = z
  .array(CartItemSchema)
  .min(1)
  .max(LIMITS.maxCartLines)
  .superRefine((items, ctx) => {
    // Repeated productIds are merged; the merged quantity must stay within the per-line limit.
    const totals = new Map<string, { quantity: number; firstIndex: number }>()
    items.forEach((item, index) => {
      const seen = totals.get(item.productId)
      if (seen) seen.quantity += item.quantity
      else totals.set(item.productId, { quantity: item.quantity, firstIndex: index })
    })
    for (const [productId, { quantity, firstIndex }] of totals) {
      if (quantity > LIMITS.maxQuantity) {
        ctx.addIssue({
          code: 'custom',
          path: [firstIndex, 'quantity'],
          message: `merged quantity of ${productId} is ${quantity}, more than ${LIMITS.maxQuantity}`,
        })
      }
    }
  })

export const CartSchema = z.strictObject({ items: cartItems }).openapi('Cart')

export const OrderRequestSchema = z
  .strictObject({
    items: cartItems,
    customerRef: z
      .string()
      .min(1)
      .max(LIMITS.maxCustomerRefLength)
      .regex(NO_CONTROL_CHARS, 'must not contain control characters')
      .nullable()
      .optional(),
  })
  .openapi('OrderRequest')

export const QuoteLineSchema = z
  .object({
    productId: ProductIdSchema,
    name: z.string(),
    quantity: z.number().int(),
    unitPriceCents: z.number().int(),
    lineTotalCents: z.number().int(),
  })
  .openapi('QuoteLine')

const quoteShape = {
  currency: z.string(),
  items: z.array(QuoteLineSchema),
  itemCount: z.number().int(),
  subtotalCents: z.number().int(),
  totalCents: z.number().int(),
}

export const QuoteSchema = z.object(quoteShape).openapi('Quote')

export const OrderSchema = z
  .object({
    id: z.string().uuid(),
    status: z.literal('confirmed'),
    ...quoteShape,
    customerRef: z.string().nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Order')

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
  })
  .catchall(z.unknown())
  .openapi('Problem')

export const IdempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(IDEMPOTENCY_KEY_PATTERN, `must be 1..${LIMITS.maxIdempotencyKeyLength} printable ASCII characters`)
    .optional()
    .openapi({
      param: { name: 'idempotency-key', in: 'header' },
      description: 'Retries with the same key and body return the original response and create nothing.',
    }),
})

/** Standard problem responses, keyed by status, for route definitions. */
export const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    ]),
  )

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON or a schema violation (`errors` names each bad field)',
  401: 'Missing, malformed or wrong bearer token, or no admin token configured (`WWW-Authenticate: Bearer`)',
  404: 'Not found',
  409: 'Conflict: not enough stock (`insufficientStock`) or prices changed during checkout',
  413: 'Body over 64 KiB',
  415: 'Body is not application/json',
  422: 'Unknown or inactive products (`missingProductIds`), or an Idempotency-Key reused with another body',
  429: 'Too many requests from this client address (see `Retry-After`); limits are per environment and counted per Cloudflare location',
  503: 'Database unavailable',
}
