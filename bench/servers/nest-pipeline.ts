import { type CallHandler, type CanActivate, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { IsInt } from 'class-validator';
import { type Observable, tap } from 'rxjs';

/** The enhancers of the "guard + pipe + interceptor" rows, shared by every Nest server. */
@Injectable()
export class BenchGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.getType() !== undefined;
  }
}

@Injectable()
export class BenchInterceptor implements NestInterceptor {
  handled = 0;
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(tap(() => this.handled++));
  }
}

export class AddDto {
  @IsInt()
  a!: number;

  @IsInt()
  b!: number;
}
