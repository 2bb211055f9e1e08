/**
 * When a staff member's reply may still reach a citizen, by platform rule (see shared channels.md):
 * Messenger allows any message for 24 h after the person's last message, then a human agent may answer
 * with the HUMAN_AGENT tag for up to 7 days; Zalo OA allows customer-service messages for 7 days after the
 * last interaction (free for the first 48 h, billed to the OA's Zalo Cloud Account after that). Other
 * channels have no way to reach the person later.
 */
import type { ChannelName } from '../feedback/turn-types.js';

const HOUR = 60 * 60 * 1000;
export const MESSENGER_STANDARD_WINDOW_MS = 24 * HOUR;
export const MESSENGER_HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR;
export const ZALO_CS_WINDOW_MS = 7 * 24 * HOUR;
export const ZALO_FREE_WINDOW_MS = 48 * HOUR;

export type DeliveryMode =
  | { kind: 'standard' }
  | { kind: 'human_agent' }
  | { kind: 'closed'; reason: 'window' | 'channel' };

export function deliveryModeFor(channel: ChannelName, lastCitizenMessageAt: Date, now: Date): DeliveryMode {
  const age = now.getTime() - lastCitizenMessageAt.getTime();
  if (channel === 'messenger') {
    if (age <= MESSENGER_STANDARD_WINDOW_MS) return { kind: 'standard' };
    if (age <= MESSENGER_HUMAN_AGENT_WINDOW_MS) return { kind: 'human_agent' };
    return { kind: 'closed', reason: 'window' };
  }
  if (channel === 'zalo') return age <= ZALO_CS_WINDOW_MS ? { kind: 'standard' } : { kind: 'closed', reason: 'window' };
  return { kind: 'closed', reason: 'channel' };
}
