// Every database query of the SMPP server, in one place. It owns smpp_pending_deliveries; the
// account and message reads below are on tables of the customers and messages modules and are
// to go through those modules' services once they offer them (issue 16, repositories).
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { SmppPendingDeliveriesTable } from './smpp-server.tables.js';
import './smpp-server.tables.js';

/** A sending account as a bind needs it (with its enterprise's status). */
export interface BindAccountRow {
  id: string;
  name: string;
  enterprise_id: string;
  status: string;
  smpp_password_hash: string | null;
  smpp_max_binds: number;
  smpp_ip_allowlist: string;
  smpp_id_format: 'hex' | 'decimal';
  enterprise_status: string;
}

export interface SmppAccountRow {
  id: string;
  enterprise_id: string;
  name: string;
  smpp_system_id: string | null;
  smpp_id_format: 'hex' | 'decimal';
}

export type PendingDeliveryRow = SmppPendingDeliveriesTable;

export class SmppServerRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The account a bind names by system_id (customers module's tables). */
  async findBindAccount(systemId: string): Promise<BindAccountRow | undefined> {
    return this.db
      .selectFrom('sending_accounts as a')
      .innerJoin('enterprises as e', 'e.id', 'a.enterprise_id')
      .select([
        'a.id',
        'a.name',
        'a.enterprise_id',
        'a.status',
        'a.smpp_password_hash',
        'a.smpp_max_binds',
        'a.smpp_ip_allowlist',
        'a.smpp_id_format',
        'e.status as enterprise_status',
      ])
      .where('a.smpp_system_id', '=', systemId)
      .executeTakeFirst();
  }

  /** A sending account's SMPP settings (customers module's table). */
  async findAccount(id: string): Promise<SmppAccountRow | undefined> {
    return this.db
      .selectFrom('sending_accounts')
      .select(['id', 'enterprise_id', 'name', 'smpp_system_id', 'smpp_id_format'])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** query_sm: one of the account's messages (messages module's table). */
  async findMessageState(
    messageId: string,
    accountId: string,
  ): Promise<
    { status: Database['messages']['status']; done_at: string | null; error_code: string | null } | undefined
  > {
    return this.db
      .selectFrom('messages')
      .select(['status', 'done_at', 'error_code'])
      .where('id', '=', messageId)
      .where('sending_account_id', '=', accountId)
      .executeTakeFirst();
  }

  /** A message's metadata JSON (messages module's table). */
  async findMessageMetadata(messageId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('messages')
      .select('metadata')
      .where('id', '=', messageId)
      .executeTakeFirst();
    return row?.metadata;
  }

  async insertPending(rows: PendingDeliveryRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) {
      await this.db
        .insertInto('smpp_pending_deliveries')
        .values(rows.slice(i, i + 200))
        .execute();
    }
  }

  /** Deletes the account's expired rows and returns the others, oldest first. */
  async takePending(accountId: string, nowIso: string): Promise<PendingDeliveryRow[]> {
    await this.db
      .deleteFrom('smpp_pending_deliveries')
      .where('sending_account_id', '=', accountId)
      .where('expires_at', '<=', nowIso)
      .execute();
    return this.db
      .selectFrom('smpp_pending_deliveries')
      .selectAll()
      .where('sending_account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async deletePending(id: string): Promise<void> {
    await this.db.deleteFrom('smpp_pending_deliveries').where('id', '=', id).execute();
  }
}
