// The platform's own mail (password resets, later notifications) goes out through the operator's
// SMTP providers, not a separate mail setting: the first enabled, unfrozen SMTP provider that
// accepts the message sends it. In demo mode that is the SMTP sink.
import type { AppContext } from '../../context.js';
import { createConnector, type Connector } from '../../delivery/connectors/index.js';
import { newId } from '../../platform/ids.js';
import type { ProviderRegistry } from './provider-registry.js';
import { connectorConfigOf } from './provider-settings.js';

/** The port other modules send system mail through. */
export interface SystemMailer {
  /** Resolves true when a provider accepted the mail, false when none could (logged). */
  send(to: string, subject: string, text: string, html?: string): Promise<boolean>;
}

export class ProviderSystemMailer implements SystemMailer {
  constructor(
    private readonly ctx: Pick<AppContext, 'db' | 'log'>,
    private readonly registry: Pick<ProviderRegistry, 'get'>,
  ) {}

  async send(to: string, subject: string, text: string, html?: string): Promise<boolean> {
    const rows = await this.ctx.db
      .selectFrom('providers')
      .selectAll()
      .where('type', '=', 'smtp')
      .where('enabled', '=', 1)
      .where('is_frozen', '=', 0)
      .orderBy('priority')
      .orderBy('created_at')
      .execute();
    for (const row of rows) {
      const from = (JSON.parse(row.settings) as { from?: string }).from ?? '';
      // A process that does not deliver (role `api`) has no live connectors: open one for this mail.
      const live = this.registry.get(row.id);
      const connector: Connector = live ?? createConnector(connectorConfigOf(row));
      try {
        if (!live) {
          await connector.connect();
        }
        const result = await connector.submit({
          channel: 'email',
          id: newId(),
          to,
          from,
          subject,
          text,
          ...(html !== undefined ? { html } : {}),
        });
        if (result.ok) {
          return true;
        }
        this.ctx.log.warn(
          { providerId: row.id, code: result.code },
          'system mail refused by an SMTP provider',
        );
      } catch (err) {
        this.ctx.log.warn(
          { err, providerId: row.id },
          'system mail could not be sent through an SMTP provider',
        );
      } finally {
        if (!live) {
          await connector.close().catch(() => undefined);
        }
      }
    }
    if (rows.length === 0) {
      this.ctx.log.warn('no enabled SMTP provider: system mail (e.g. a password reset) was not sent');
    }
    return false;
  }
}
