// In-process event bus. Services emit after commit; listeners (WebSocket hub, webhooks,
// counters, alerts) subscribe. In cluster mode a Redis bridge republishes to other nodes.
import { EventEmitter } from 'node:events';

export interface PigeonEvent<T = unknown> {
  /** Past-tense name, e.g. `message.delivered`, `provider.frozen`. */
  type: string;
  /** Tenant the event belongs to; null for platform-wide events. */
  enterpriseId: string | null;
  at: string;
  data: T;
}

export type EventListener = (event: PigeonEvent) => void;

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit<T>(type: string, data: T, enterpriseId: string | null = null): void {
    const event: PigeonEvent<T> = { type, enterpriseId, at: new Date().toISOString(), data };
    this.emitter.emit(type, event);
    this.emitter.emit('*', event);
  }

  /** Subscribes to one event type, or '*' for all; returns the unsubscribe function. */
  on(type: string, listener: EventListener): () => void {
    this.emitter.on(type, listener);
    return () => this.emitter.off(type, listener);
  }
}
