// Templates (MS-9) and customer callbacks (MS-8): message templates with per-language variants
// (system templates have no enterprise and are shared by every tenant; seed 004's three are
// inserted here), the callback outbox, and one row per delivery attempt of a callback.
import type { Kysely } from 'kysely';
import { enumCheck, id, timestamp } from '../src/platform/db/dialects.js';

const TEMPLATE_STATUSES = ['draft', 'pending_review', 'approved', 'rejected'];
const CALLBACK_STATUSES = ['pending', 'delivered', 'dead'];
const CALLBACK_EVENTS = ['message.status', 'message.inbound'];
const ATTEMPT_OUTCOMES = ['delivered', 'failed'];

const SEEDED_AT = '2026-11-23T15:00:00.000Z';

/** Seed 004's predefined templates (file shared, collaboration invite, system alert). */
const SYSTEM_TEMPLATES = [
  {
    id: '019ab000-0000-7000-8000-000000000001',
    system_key: 'file_shared',
    name: 'File shared',
    channel: 'email',
    description: 'Tells someone that a file was shared with them, with a link to open it.',
    variables: [
      { name: 'sender', description: 'Who shared the file', sample: 'Li Lei' },
      { name: 'file_name', description: 'Name of the shared file', sample: 'Q3 report.pdf' },
      { name: 'link', description: 'Link that opens the file', sample: 'https://files.example.com/s/abc' },
    ],
    variants: [
      {
        language: 'zh-CN',
        subject: '{{ sender }} 与您共享了文件「{{ file_name }}」',
        body: '{{ sender }} 与您共享了文件「{{ file_name }}」。打开链接查看：{{ link }}',
      },
      {
        language: 'en-US',
        subject: '{{ sender }} shared "{{ file_name }}" with you',
        body: '{{ sender }} shared the file "{{ file_name }}" with you. Open it here: {{ link }}',
      },
    ],
  },
  {
    id: '019ab000-0000-7000-8000-000000000002',
    system_key: 'collaboration_invite',
    name: 'Collaboration invite',
    channel: 'email',
    description: 'Invites someone to collaborate on a project or document.',
    variables: [
      { name: 'inviter', description: 'Who sends the invitation', sample: 'Han Meimei' },
      { name: 'project', description: 'What the invitee is asked to join', sample: 'Pigeon launch plan' },
      {
        name: 'link',
        description: 'Link that accepts the invitation',
        sample: 'https://app.example.com/i/xyz',
      },
    ],
    variants: [
      {
        language: 'zh-CN',
        subject: '{{ inviter }} 邀请您协作「{{ project }}」',
        body: '{{ inviter }} 邀请您一起协作「{{ project }}」。接受邀请：{{ link }}',
      },
      {
        language: 'en-US',
        subject: '{{ inviter }} invited you to collaborate on {{ project }}',
        body: '{{ inviter }} invited you to collaborate on "{{ project }}". Accept the invitation: {{ link }}',
      },
    ],
  },
  {
    id: '019ab000-0000-7000-8000-000000000003',
    system_key: 'system_alert',
    name: 'System alert',
    channel: 'sms',
    description: 'A short alert about a system event, for on-call staff.',
    variables: [
      { name: 'level', description: 'Severity (critical, warning, info)', sample: 'critical' },
      { name: 'system', description: 'The system that raised the alert', sample: 'payments-api' },
      { name: 'message', description: 'What happened', sample: 'error rate above 5%' },
      { name: 'time', description: 'When it happened', sample: '2026-11-23 15:00 UTC' },
    ],
    variants: [
      {
        language: 'zh-CN',
        body: '【系统告警】{{ system }}：{{ message }}（级别 {{ level }}，{{ time }}）',
      },
      {
        language: 'en-US',
        body: '[{{ level | upcase }}] {{ system }}: {{ message }} ({{ time }})',
      },
    ],
  },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('templates')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    // null: a system template, readable by every tenant and changed by staff only.
    .addColumn('enterprise_id', id, (c) => c.references('enterprises.id').onDelete('cascade'))
    .addColumn('system_key', 'text', (c) => c.unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(enumCheck('channel', ['sms', 'email'])))
    .addColumn('status', 'text', (c) => c.notNull().check(enumCheck('status', TEMPLATE_STATUSES)))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('variables', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('variants', 'text', (c) => c.notNull())
    .addColumn('review_note', 'text')
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', timestamp)
    .addColumn('created_by', id)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('templates_enterprise_idx')
    .on('templates')
    .columns(['enterprise_id', 'name'])
    .execute();

  const rows = SYSTEM_TEMPLATES.map((t) => ({
    id: t.id,
    enterprise_id: null,
    system_key: t.system_key,
    name: t.name,
    channel: t.channel,
    status: 'approved',
    description: t.description,
    variables: JSON.stringify(t.variables),
    variants: JSON.stringify(t.variants),
    review_note: null,
    reviewed_by: 'system',
    reviewed_at: SEEDED_AT,
    created_by: null,
    created_at: SEEDED_AT,
    updated_at: SEEDED_AT,
  }));
  await (db as Kysely<{ templates: (typeof rows)[number] }>).insertInto('templates').values(rows).execute();

  await db.schema
    .createTable('callbacks')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('enterprise_id', id, (c) => c.notNull())
    .addColumn('sending_account_id', id, (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull().check(enumCheck('event', CALLBACK_EVENTS)))
    // The message id (status callbacks) or the inbound message id.
    .addColumn('reference_id', id, (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    // The exact JSON body sent (and signed).
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(enumCheck('status', CALLBACK_STATUSES)))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', timestamp)
    // Retries stop here (24 h after creation or after a manual re-send); then `dead`.
    .addColumn('expires_at', timestamp, (c) => c.notNull())
    // Set by the dispatcher that claimed the row, so two processes never deliver it twice.
    .addColumn('claim_token', 'text')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', timestamp)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('callbacks_due_idx')
    .on('callbacks')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('callbacks_enterprise_idx')
    .on('callbacks')
    .columns(['enterprise_id', 'id'])
    .execute();
  await db.schema
    .createIndex('callbacks_account_idx')
    .on('callbacks')
    .columns(['sending_account_id', 'id'])
    .execute();
  await db.schema.createIndex('callbacks_claim_idx').on('callbacks').column('claim_token').execute();

  await db.schema
    .createTable('callback_attempts')
    .addColumn('id', id, (c) => c.primaryKey().notNull())
    .addColumn('callback_id', id, (c) => c.notNull().references('callbacks.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(enumCheck('outcome', ATTEMPT_OUTCOMES)))
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('started_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('callback_attempts_callback_idx')
    .on('callback_attempts')
    .columns(['callback_id', 'attempt'])
    .execute();
}
