export type OrderSide = 'buy' | 'sell';
export type OrderStatus = 'open' | 'filled' | 'cancelled';

export interface Order {
  id: number;
  owner: string;
  symbol: string;
  side: OrderSide;
  qty: number;
  price: number;
  status: OrderStatus;
  createdAt: string;
}

/** One status change; `id` is the event id a watcher resumes from. */
export interface OrderEvent {
  id: number;
  orderId: number;
  owner: string;
  status: OrderStatus;
  at: string;
}
