import { Injectable } from '@nestjs/common';

/** Whether the app is draining (shutting down), and how many HTTP calls are still running. */
@Injectable()
export class ShutdownState {
  draining = false;
  httpInFlight = 0;
}
