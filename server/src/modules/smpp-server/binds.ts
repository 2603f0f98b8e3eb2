// The SMPP server's live state: binds (one per connection) and the sending accounts they belong
// to, with each account's queue of deliver_sm and its long submits waiting for their parts.
import { isIP } from 'node:net';
import {
  InboundReassembler,
  type SmppIdFormat,
  type SmppSession,
  type SubmitView,
} from '../../lib/smpp/index.js';
import type { Clock } from '../../platform/clock.js';
import type { DeliverSmInput } from './smpp-pdu.js';
import type { SmppServerRepository } from './smpp-server.repository.js';

export type BindMode = 'transmitter' | 'receiver' | 'transceiver';

/** A receipt or inbound message on its way to the account's receiver binds. */
export interface Delivery {
  kind: 'receipt' | 'mo';
  refId: string;
  pdu: DeliverSmInput;
  expiresAt: number;
  /** Row in smpp_pending_deliveries, when it was kept there. */
  storedId: string | null;
  attempts: number;
}

export interface Outstanding {
  delivery: Delivery;
  timer: NodeJS.Timeout;
}

/** One part of a long submit, answered when the whole message has been accepted or refused. */
export interface HeldPart {
  bind: Bind;
  command: 'submit_sm' | 'data_sm';
  sequenceNumber: number;
}

export interface HeldMessage {
  parts: HeldPart[];
  first: SubmitView;
  timer: NodeJS.Timeout;
}

/** Submits per second over a sliding 10-second window, in one-second buckets. */
export class TpsMeter {
  private readonly counts = new Array<number>(10).fill(0);
  private readonly seconds = new Array<number>(10).fill(-1);

  tick(nowMs: number): void {
    const s = Math.floor(nowMs / 1000);
    const i = s % 10;
    if (this.seconds[i] !== s) {
      this.seconds[i] = s;
      this.counts[i] = 0;
    }
    this.counts[i] = (this.counts[i] ?? 0) + 1;
  }

  rate(nowMs: number): number {
    const s = Math.floor(nowMs / 1000);
    let sum = 0;
    for (let i = 0; i < 10; i++) {
      const at = this.seconds[i] ?? -1;
      if (at > s - 10 && at <= s) {
        sum += this.counts[i] ?? 0;
      }
    }
    return sum / 10;
  }
}

export interface Bind {
  id: string;
  session: SmppSession;
  ip: string;
  state: 'open' | 'binding' | 'bound' | 'closed';
  mode: BindMode | null;
  account: AccountState | null;
  since: string;
  lastActivity: number;
  /** deliver_sm sent on this bind and not answered yet, by sequence number. */
  outstanding: Map<number, Outstanding>;
  tps: TpsMeter;
  submits: number;
}

export interface AccountState {
  id: string;
  enterpriseId: string;
  name: string;
  systemId: string;
  idFormat: SmppIdFormat;
  binds: Set<Bind>;
  queue: Delivery[];
  /** storedIds in `queue` or outstanding on a bind (so a reload does not double them). */
  inMemory: Set<string>;
  reassembler: InboundReassembler;
  held: Map<string, HeldMessage>;
  nextMoReference: number;
  turn: number;
}

/** The address a bind came from, IPv4-mapped IPv6 written as IPv4. */
export function normalizeIp(address: string | undefined): string {
  const a = address ?? '';
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/** A bind that takes deliver_sm now. */
export function isReceiver(bind: Bind): boolean {
  return bind.state === 'bound' && bind.mode !== 'transmitter' && !bind.session.closed;
}

/** The accounts the server has seen, by id: loaded on a bind, a receipt or an inbound message. */
export class Accounts {
  private readonly byId = new Map<string, AccountState>();

  constructor(
    private readonly repository: SmppServerRepository,
    private readonly clock: Clock,
    private readonly reassemblyTimeoutMs: number,
  ) {}

  values(): IterableIterator<AccountState> {
    return this.byId.values();
  }

  /** The account's state, created empty when unknown. */
  state(id: string, enterpriseId: string, systemId: string): AccountState {
    let account = this.byId.get(id);
    if (!account) {
      account = {
        id,
        enterpriseId,
        name: '',
        systemId,
        idFormat: 'hex',
        binds: new Set(),
        queue: [],
        inMemory: new Set(),
        // Parts of submits are answered by the submit path; nothing arrives "expired" here.
        reassembler: new InboundReassembler(
          this.reassemblyTimeoutMs,
          () => undefined,
          () => this.clock.date(),
        ),
        held: new Map(),
        nextMoReference: 0,
        turn: 0,
      };
      this.byId.set(id, account);
    }
    return account;
  }

  /** The account's state, loading it when unknown; null when it has no SMPP system_id. */
  async load(id: string): Promise<AccountState | null> {
    const known = this.byId.get(id);
    if (known) {
      return known;
    }
    const row = await this.repository.findAccount(id);
    if (!row || !row.smpp_system_id) {
      return null;
    }
    const account = this.state(row.id, row.enterprise_id, row.smpp_system_id);
    if (account.binds.size === 0) {
      account.name = row.name;
      account.idFormat = row.smpp_id_format;
    }
    return account;
  }

  /** The account's binds that take deliver_sm now. */
  receivers(account: AccountState): Bind[] {
    return [...account.binds].filter(isReceiver);
  }
}
