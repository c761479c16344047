import { IsIn, IsInt, IsNumber, IsPositive, Matches, Max, Min } from 'class-validator';
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

  // The library already refuses 1e309 (Infinity) in params; the DTO says what a price is on its own too.
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  price!: number;
}
