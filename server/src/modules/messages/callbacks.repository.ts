// The only code that touches the callback outbox's tables (callbacks, callback_attempts) on the
// write path: rows inserted inside the transaction of what they report, and the dispatcher's
// claim (a token and a lease, so two processes never deliver one row twice) and record.
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { CallbackAttemptsTable, CallbacksTable } from './callbacks.tables.js';
import './callbacks.tables.js';

const INSERT_CHUNK = 200;

export class CallbackRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(trx: Transaction<Database>, rows: readonly CallbacksTable[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await trx
        .insertInto('callbacks')
        .values(rows.slice(i, i + INSERT_CHUNK))
        .execute();
    }
  }

  /** Claims up to `limit` rows due at `nowIso` for one run; returns them. */
  async claim(
    nowIso: string,
    limit: number,
    token: string,
    leaseUntilIso: string,
  ): Promise<CallbacksTable[]> {
    const due = await this.db
      .selectFrom('callbacks')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    if (due.length === 0) {
      return [];
    }
    await this.db
      .updateTable('callbacks')
      .set({ claim_token: token, next_attempt_at: leaseUntilIso })
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .execute();
    return this.db.selectFrom('callbacks').selectAll().where('claim_token', '=', token).execute();
  }

  /** Writes one attempt's outcome (only if the row is still claimed by that run). */
  async recordAttempt(
    id: string,
    claimToken: string | null,
    set: Updateable<CallbacksTable>,
    attempt: CallbackAttemptsTable,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('callbacks')
        .set(set)
        .where('id', '=', id)
        .where('claim_token', '=', claimToken)
        .execute();
      await trx.insertInto('callback_attempts').values(attempt).execute();
    });
  }
}
