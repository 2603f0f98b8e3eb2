// The password-reset mail (ID-1): when `identity.password_reset_requested` is announced, the
// user gets a link to the console's reset page, sent through the platform's system mailer (the
// operator's SMTP providers). No mailer that can send means a logged warning, never a different
// answer to the caller, so the request cannot tell which accounts exist.
import type { Logger } from 'pino';
import type { Locale } from '../../platform/i18n/i18n.js';

export const PASSWORD_RESET_REQUESTED = 'identity.password_reset_requested';

/** The event's payload. */
export interface PasswordResetRequested {
  userId: string;
  email: string | null;
  token: string;
  /** The console's base URL (PIGEON_PUBLIC_URL or the request's origin); null: unknown. */
  consoleUrl: string | null;
  locale: Locale;
}

/** What this needs of the providers module's system mailer. */
export interface ResetMailer {
  send(to: string, subject: string, text: string, html?: string): Promise<boolean>;
}

const TEXT: Record<Locale, { subject: string; body: (link: string) => string }> = {
  'en-US': {
    subject: 'Reset your Pigeon password',
    body: (link) =>
      `Someone asked to reset the password of your Pigeon account.\n\n` +
      `Open this link within one hour to choose a new password:\n${link}\n\n` +
      `If it was not you, ignore this mail: your password stays as it is.\n`,
  },
  'zh-CN': {
    subject: '重置您的 Pigeon 密码',
    body: (link) =>
      `有人请求重置您的 Pigeon 账号密码。\n\n` +
      `请在一小时内打开以下链接设置新密码：\n${link}\n\n` +
      `如果不是您本人操作，请忽略此邮件，您的密码不会改变。\n`,
  },
};

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The link in the mail: the console's reset page with the token. */
export function resetLink(consoleUrl: string, token: string): string {
  return `${consoleUrl.replace(/\/+$/, '')}/reset-password?token=${encodeURIComponent(token)}`;
}

/** Sends the reset mail of one request; resolves whether a provider took it. */
export async function sendPasswordResetMail(
  mailer: ResetMailer,
  e: PasswordResetRequested,
  log: Pick<Logger, 'warn'>,
): Promise<boolean> {
  if (!e.email) {
    log.warn({ userId: e.userId }, 'password reset requested for a user without an e-mail address');
    return false;
  }
  if (!e.consoleUrl) {
    log.warn(
      { userId: e.userId },
      'password reset mail has no console URL to link to (set PIGEON_PUBLIC_URL)',
    );
    return false;
  }
  const t = TEXT[e.locale];
  const link = resetLink(e.consoleUrl, e.token);
  const text = t.body(link);
  const html = `<p>${escapeHtml(text)
    .replace(escapeHtml(link), `<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`)
    .replace(/\n\n/g, '</p><p>')
    .replace(/\n/g, '<br>')}</p>`;
  return mailer.send(e.email, t.subject, text, html);
}
