// Look-ups other modules make on the customers' tables before the customers services exist:
// identity asks whether an enterprise exists and which enterprise an API key's owner belongs
// to, routing asks for an account's enterprise and time zone. It needs only the database, so
// app.ts builds it first and hands it to identity, whose API keys the customers services need.
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { ApiKeyOwnerType } from '../identity/index.js';

export class CustomerDirectory {
  constructor(private readonly db: Kysely<Database>) {}

  async enterpriseExists(enterpriseId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('enterprises')
      .select('id')
      .where('id', '=', enterpriseId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The enterprise of an API key's owner; null when it does not exist (or is not ours). */
  async ownerEnterprise(ownerType: ApiKeyOwnerType, ownerId: string): Promise<string | null> {
    if (ownerType !== 'sending_account') {
      return null;
    }
    const row = await this.db
      .selectFrom('sending_accounts')
      .select('enterprise_id')
      .where('id', '=', ownerId)
      .executeTakeFirst();
    return row?.enterprise_id ?? null;
  }

  /** A sending account's enterprise and that enterprise's time zone (routing's time windows). */
  async accountZone(accountId: string): Promise<{ enterpriseId: string; timezone: string } | null> {
    const row = await this.db
      .selectFrom('sending_accounts')
      .innerJoin('enterprises', 'enterprises.id', 'sending_accounts.enterprise_id')
      .select(['sending_accounts.enterprise_id', 'enterprises.timezone'])
      .where('sending_accounts.id', '=', accountId)
      .executeTakeFirst();
    return row ? { enterpriseId: row.enterprise_id, timezone: row.timezone } : null;
  }
}
