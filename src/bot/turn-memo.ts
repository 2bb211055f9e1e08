/**
 * A channel that may run the same turn again (a resumed inbox item) puts a memo in `turnState` so the bot
 * records the turn once and reuses the id it got the first time.
 */
export const TURN_MEMO_KEY = Symbol('turnMemo');

export interface TurnMemo {
  turnId: string | null;
  remember(turnId: string): Promise<void>;
}
