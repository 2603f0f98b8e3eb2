// Statistics (ST-1): real-time counters of message status changes, flushed per minute to
// `message_stats_minute`, the dashboard overview and the console's event stream (UI-4).
// Other modules reach it through `statsServices(ctx)`.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { Module } from '../index.js';
import type { PigeonEvent } from '../../platform/events/bus.js';
import { MESSAGE_STATUS_EVENT, type MessageStatusEvent } from '../messages/messages.contract.js';
import { MINUTE_MS, StatsCounters } from './counters.js';
import { EventsHub } from './events-hub.js';
import { StatsService } from './stats.service.js';
import { registerStatsRoutes } from './stats.routes.js';
import './stats.tables.js';

export interface Stats {
  counters: StatsCounters;
  stats: StatsService;
  hub: EventsHub;
}

const registry = new WeakMap<AppContext, Stats>();

/** The stats services of an app (for other modules and tests). */
export function statsServices(ctx: AppContext): Stats {
  const s = registry.get(ctx);
  if (!s) {
    throw new Error('stats module is not registered');
  }
  return s;
}

export const statsModule: Module = {
  name: 'stats',
  async register(app: FastifyInstance, ctx: AppContext) {
    const counters = new StatsCounters(ctx);
    const stats = new StatsService(ctx, counters);
    const hub = new EventsHub(ctx, stats);
    registry.set(ctx, { counters, stats, hub });

    await counters.seedWindow();
    const off = ctx.events.on(MESSAGE_STATUS_EVENT, (e) =>
      counters.record((e as PigeonEvent<MessageStatusEvent>).data),
    );
    registerStatsRoutes(app, stats);
    hub.register(app);

    // Flush at the start of every minute, so each flush carries whole minutes.
    let timer: NodeJS.Timeout | null = null;
    let closed = false;
    const schedule = () => {
      if (closed) {
        return;
      }
      const wait = MINUTE_MS - (ctx.clock.now() % MINUTE_MS) + 50;
      timer = setTimeout(() => {
        void counters.flush().finally(schedule);
      }, wait);
      timer.unref();
    };
    schedule();
    ctx.onClose.push(async () => {
      closed = true;
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      off();
      hub.close();
      await counters.flush();
    });
  },
};
