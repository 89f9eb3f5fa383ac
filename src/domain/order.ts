import type { Quote } from './pricing'

export type OrderStatus = 'confirmed'

export interface Order extends Quote {
  id: string
  status: OrderStatus
  customerRef: string | null
  createdAt: string
}

/** Builds a confirmed order from a quote; the id and the clock are the caller's. */
export function confirmOrder(quote: Quote, id: string, customerRef: string | null, createdAt: Date): Order {
  return { id, status: 'confirmed', ...quote, customerRef, createdAt: createdAt.toISOString() }
}
