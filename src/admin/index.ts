/**
 * The feedback module as main.ts uses it: the turn recorder for the bot and channels, the admin API and
 * dashboard routers, and the background scheduler.
 */
import type { Router } from 'express';
import { createFeedbackCore, type FeedbackCore, type FeedbackDeps } from '../feedback/service.js';
import type { TurnRecorder } from '../feedback/turn-types.js';
import { dashboardRoutes } from './dashboard.js';
import { adminApiRoutes } from './routes.js';

export interface Feedback {
  recorder: TurnRecorder;
  routers: Router[];
  core: FeedbackCore;
  /** Starts the scheduler (daily push, retention). */
  start(): void;
  /** Stops the scheduler and closes the database. */
  stop(): Promise<void>;
}

export async function createFeedback(deps: FeedbackDeps): Promise<Feedback> {
  const core = await createFeedbackCore(deps);
  return {
    recorder: core.recorder,
    routers: [adminApiRoutes({ core, engine: deps.engine, now: deps.now }), dashboardRoutes()],
    core,
    start: core.start,
    stop: core.stop,
  };
}

export type { FeedbackDeps } from '../feedback/service.js';
