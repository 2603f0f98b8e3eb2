// The console's event stream (/api/v1/events): one WebSocket, authenticated with the access
// token in its first message, reconnecting with back-off; a 4401 close refreshes the token
// first. Pages subscribe to message types; nothing here polls.
import { ref } from 'vue';
import { getSession } from '@/api/session';
import { refreshSession } from '@/api/request';

export interface LiveMessage<T = unknown> {
  type: string;
  at: string;
  data: T;
}

type Handler = (message: LiveMessage) => void;

export function eventsUrl(): string {
  const { protocol, host } = globalThis.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/api/v1/events`;
}

/** A live connection; `connected` is true while the server has accepted the token. */
export function useLiveEvents(onMessage: Handler, onReady?: () => void) {
  const connected = ref(false);
  let socket: WebSocket | null = null;
  let stopped = false;
  let retry = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const pending: unknown[] = [];

  function connect(): void {
    const session = getSession();
    if (stopped || !session) {
      return;
    }
    const ws = new WebSocket(eventsUrl());
    socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token: session.accessToken }));
    ws.onmessage = (event: MessageEvent<string>) => {
      let message: LiveMessage;
      try {
        message = JSON.parse(event.data) as LiveMessage;
      } catch {
        return;
      }
      if (message.type === 'ready' && !connected.value) {
        connected.value = true;
        retry = 0;
        for (const m of pending.splice(0)) {
          ws.send(JSON.stringify(m));
        }
        onReady?.();
      }
      onMessage(message);
    };
    ws.onclose = (event: CloseEvent) => {
      connected.value = false;
      socket = null;
      if (stopped) {
        return;
      }
      const again = () => {
        retry = Math.min(retry + 1, 6);
        timer = setTimeout(connect, 500 * 2 ** (retry - 1));
      };
      if (event.code === 4401) {
        // The access token expired: refresh it once, then reconnect.
        void refreshSession().then((ok) => (ok ? again() : undefined));
      } else {
        again();
      }
    };
  }

  /** Sends a message now, or as soon as the connection is ready. */
  function send(message: unknown): void {
    if (socket && connected.value) {
      socket.send(JSON.stringify(message));
    } else {
      pending.push(message);
    }
  }

  function stop(): void {
    stopped = true;
    if (timer) {
      clearTimeout(timer);
    }
    socket?.close(1000);
    socket = null;
  }

  connect();
  return { connected, send, stop };
}
