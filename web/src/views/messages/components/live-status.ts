// Keeps one message's status current without reloading the page: the console's event stream
// (/api/v1/events) pushes `message.status` for the watched id; while that stream is not
// connected, the status endpoint is polled once a second instead (fallback only). Either way,
// `onChange` runs when the status moves, and once when the stream becomes ready (a change may
// have happened before the watch was registered).
import { onBeforeUnmount, ref, type Ref } from 'vue';
import { useLiveEvents, type LiveMessage } from '@/views/dashboard/live';
import { FINAL_STATUSES, messagesApi } from './api';

export const MESSAGE_STATUS_EVENT = 'message.status';
const POLL_MS = 1000;
/** How long the stream may take to connect before polling starts. */
const GRACE_MS = 2000;

export type LiveMode = 'connecting' | 'ws' | 'poll';

export function useMessageLiveStatus(
  id: Ref<string>,
  status: Ref<string | undefined>,
  onChange: () => void,
): { mode: Ref<LiveMode>; rewatch: (previous: string) => void } {
  const mode = ref<LiveMode>('connecting');
  let disconnectedSince = Date.now();
  let polling = false;

  const live = useLiveEvents(
    (message: LiveMessage) => {
      const data = message.data as { messageId?: string; status?: string } | null;
      if (message.type === MESSAGE_STATUS_EVENT && data?.messageId === id.value) {
        if (data.status !== undefined) {
          status.value = data.status;
        }
        onChange();
      }
    },
    () => {
      mode.value = 'ws';
      live.send({ type: 'watch', messageId: id.value });
      onChange();
    },
  );

  async function poll(): Promise<void> {
    if (polling) {
      return;
    }
    polling = true;
    try {
      const s = await messagesApi.status(id.value);
      if (s.status !== status.value) {
        status.value = s.status;
        onChange();
      }
    } catch {
      // the next tick tries again
    } finally {
      polling = false;
    }
  }

  const timer = setInterval(() => {
    if (live.connected.value) {
      disconnectedSince = Date.now();
      return;
    }
    if (Date.now() - disconnectedSince < GRACE_MS) {
      return;
    }
    mode.value = 'poll';
    if (status.value !== undefined && !FINAL_STATUSES.has(status.value)) {
      void poll();
    }
  }, POLL_MS);

  /** Watches another message on the same connection (the route changed). */
  function rewatch(previous: string): void {
    live.send({ type: 'unwatch', messageId: previous });
    live.send({ type: 'watch', messageId: id.value });
  }

  onBeforeUnmount(() => {
    clearInterval(timer);
    live.stop();
  });

  return { mode, rewatch };
}
