/** A TurnRecorder that keeps turns and votes in memory so tests can assert what the bot recorded. */
import type { TurnInput, TurnRecorder, Vote } from '../../../src/feedback/turn-types.js';

export class RecordingRecorder implements TurnRecorder {
  readonly turns: Array<TurnInput & { id: string }> = [];
  readonly votes: Array<{ turnId: string; vote: Vote }> = [];

  async record(turn: TurnInput): Promise<string> {
    const id = `turn-${this.turns.length + 1}`;
    this.turns.push({ ...turn, id });
    return id;
  }

  async vote(turnId: string, vote: Vote): Promise<void> {
    this.votes.push({ turnId, vote });
  }
}

/** Stand-in for redactPii in tests: hides runs of 9+ digits (ID card and phone numbers). */
export function testRedact(text: string): string {
  return text.replace(/\d[\d .-]{7,}\d/g, '[số]');
}
