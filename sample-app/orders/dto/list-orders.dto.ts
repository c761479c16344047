import { IsIn, IsOptional } from 'class-validator';
import type { OrderStatus } from '../order.js';

export class ListOrdersDto {
  @IsOptional()
  @IsIn(['open', 'filled', 'cancelled'])
  status?: OrderStatus;
}
