let turn = 0;
let scheduled = false;

function nextTurn(): void {
  turn++;
  scheduled = false;
}

/**
 * A number that changes once per event-loop turn (at the check phase), shared
 * by every connection: per-turn send budgets reset when it moves. It only
 * schedules a timer in turns where something asks for it.
 */
export function currentTurn(): number {
  if (!scheduled) {
    scheduled = true;
    setImmediate(nextTurn);
  }
  return turn;
}
