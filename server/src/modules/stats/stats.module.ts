// Statistics (ST-1): real-time counters of message status changes, flushed per minute to
// `message_stats_minute`, the dashboard overview and the console's event stream (UI-4).
// app.ts builds the services; this registers the routes, the counters' feed and flush timer.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import type { PigeonEvent } from '../../platform/events/bus.js';
import { MESSAGE_STATUS_EVENT, type MessageStatusEvent } from '../messages/index.js';
import { MINUTE_MS, type StatsCounters } from './counters.js';
import type { EventsHub } from './events-hub.js';
import type { StatsService } from './stats.service.js';
import { registerStatsRoutes } from './stats.routes.js';
import './stats.tables.js';

export interface Stats {
  counters: StatsCounters;
  stats: StatsService;
  hub: EventsHub;
}

export async function registerStatsModule(
  app: FastifyInstance,
  ctx: AppContext,
  { counters, stats, hub }: Stats,
): Promise<void> {
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
}
