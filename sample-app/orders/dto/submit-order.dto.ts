import { IsIn, IsInt, IsPositive, Matches, Max, Min } from 'class-validator';
import type { OrderSide } from '../order.js';

export class SubmitOrderDto {
  @Matches(/^[A-Z]{1,10}$/, { message: 'symbol must be 1 to 10 capital letters' })
  symbol!: string;

  @IsIn(['buy', 'sell'])
  side!: OrderSide;

  @IsInt()
  @Min(1)
  @Max(1_000_000)
  qty!: number;

  @IsPositive()
  price!: number;
}
