// Request and response schemas of the billing module. Money is integer micro-units.
import { Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { CursorQuery, PageQuery } from '../../platform/http/pagination.js';

const Micro = (description: string) => Type.Integer({ description: `${description} (micro-units)` });
export const ChannelSchema = Type.Union([
  Type.Literal('sms'),
  Type.Literal('email'),
  Type.Literal('inapp'),
  Type.Literal('webhook'),
]);
export const EntryTypeSchema = Type.Union([
  Type.Literal('recharge'),
  Type.Literal('charge'),
  Type.Literal('refund'),
  Type.Literal('adjustment'),
  Type.Literal('reservation'),
  Type.Literal('release'),
]);
export const PeriodSchema = Type.Union([Type.Literal('day'), Type.Literal('month'), Type.Literal('none')]);
const Country = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166 alpha-2' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' });
const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

export const BalanceSchema = Type.Object({
  enterpriseId: Uuid,
  enterpriseName: Type.String(),
  currency: Type.String(),
  balance: Micro('Balance'),
  creditLimit: Micro('How far below zero the balance may go'),
  available: Micro('Balance plus credit limit'),
  lowBalanceThreshold: Nullable(Type.Integer()),
  updatedAt: Nullable(Timestamp),
});

export const BalanceListQuery = Type.Object({
  ...PageQuery.properties,
  below: Type.Optional(Type.Integer({ description: 'Only balances below this amount' })),
});

export const RechargeBody = Type.Object({
  enterpriseId: Uuid,
  amount: Type.Integer({ minimum: 1, description: 'Micro-units' }),
  method: Type.Union([
    Type.Literal('bank_transfer'),
    Type.Literal('online'),
    Type.Literal('cash'),
    Type.Literal('credit_note'),
    Type.Literal('other'),
  ]),
  reference: Type.Optional(Type.String({ maxLength: 200 })),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
});

export const AdjustBody = Type.Object({
  enterpriseId: Uuid,
  amount: Type.Integer({ description: 'Signed micro-units; not zero' }),
  reason: Type.String({ minLength: 1, maxLength: 1000 }),
});

export const BalanceSettingsBody = Type.Object({
  enterpriseId: Uuid,
  creditLimit: Type.Optional(Type.Integer({ minimum: 0 })),
  lowBalanceThreshold: Type.Optional(Nullable(Type.Integer())),
});

export const LedgerEntrySchema = Type.Object({
  id: Uuid,
  enterpriseId: Uuid,
  entryType: EntryTypeSchema,
  amount: Micro('Signed amount'),
  balanceAfter: Micro('Balance after this entry'),
  objectType: Nullable(Type.String()),
  objectId: Nullable(Type.String()),
  channel: Nullable(Type.String()),
  country: Nullable(Type.String()),
  quantity: Type.Integer(),
  method: Nullable(Type.String()),
  reference: Nullable(Type.String()),
  note: Type.String(),
  createdBy: Nullable(Type.String()),
  createdAt: Timestamp,
});

export const LedgerQuery = Type.Object({
  ...CursorQuery.properties,
  enterpriseId: Type.Optional(Uuid),
  entryType: Type.Optional(EntryTypeSchema),
  objectId: Type.Optional(Type.String({ maxLength: 100 })),
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
});

export const LedgerCheckSchema = Type.Object({
  enterpriseId: Uuid,
  balance: Type.Integer(),
  ledgerSum: Type.Integer(),
  entries: Type.Integer(),
  lastBalanceAfter: Nullable(Type.Integer()),
  consistent: Type.Boolean(),
});

export const PlanSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  currency: Type.String(),
  description: Type.String(),
  isDefault: Type.Boolean(),
  refundOnFailure: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreatePlanBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  currency: Currency,
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  isDefault: Type.Optional(Type.Boolean()),
  refundOnFailure: Type.Optional(Type.Boolean()),
});

export const UpdatePlanBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  isDefault: Type.Optional(Type.Boolean()),
  refundOnFailure: Type.Optional(Type.Boolean()),
});

export const PriceSchema = Type.Object({
  id: Uuid,
  planId: Nullable(Type.String()),
  sendingAccountId: Nullable(Type.String()),
  enterpriseId: Nullable(Type.String()),
  channel: ChannelSchema,
  country: Type.String(),
  networkPrefix: Type.String(),
  price: Micro('Price per segment or message'),
  updatedAt: Timestamp,
});

export const PriceBody = Type.Object({
  channel: ChannelSchema,
  country: Country,
  networkPrefix: Type.Optional(Type.String({ pattern: '^\\d{0,15}$' })),
  price: Type.Integer({ minimum: 0, description: 'Micro-units per segment or message' }),
});

export const PriceListQuery = Type.Object({
  ...PageQuery.properties,
  channel: Type.Optional(ChannelSchema),
  country: Type.Optional(Type.String({ maxLength: 2 })),
});

export const ImportBody = Type.Object({
  csv: Type.String({
    minLength: 1,
    maxLength: 5_000_000,
    description: 'channel,country,network_prefix,price',
  }),
  mode: Type.Union([Type.Literal('replace'), Type.Literal('merge')], { default: 'replace' }),
});

export const ImportResult = Type.Object({
  imported: Type.Integer(),
  mode: Type.Union([Type.Literal('replace'), Type.Literal('merge')]),
});

export const AccountPriceBody = Type.Object({ sendingAccountId: Uuid, ...PriceBody.properties });
export const AccountPriceQuery = Type.Object({
  ...PageQuery.properties,
  sendingAccountId: Type.Optional(Uuid),
  enterpriseId: Type.Optional(Uuid),
});

export const PlanAssignmentBody = Type.Object({ enterpriseId: Uuid, planId: Nullable(Uuid) });
export const PlanAssignmentSchema = Type.Object({ enterpriseId: Uuid, planId: Nullable(Type.String()) });

export const QuoteBody = Type.Object({
  sendingAccountId: Uuid,
  channel: ChannelSchema,
  country: Country,
  segments: Type.Integer({ minimum: 1, maximum: 255 }),
  destination: Type.Optional(Type.String({ pattern: '^\\d{1,15}$' })),
});

export const QuoteSchema = Type.Object({
  unitPrice: Type.Integer(),
  amount: Type.Integer(),
  currency: Type.String(),
  planId: Nullable(Type.String()),
  source: Type.Union([Type.Literal('account'), Type.Literal('plan'), Type.Literal('default')]),
});

export const QuotaSchema = Type.Object({
  id: Uuid,
  enterpriseId: Uuid,
  sendingAccountId: Uuid,
  channel: ChannelSchema,
  period: PeriodSchema,
  allowance: Type.Integer(),
  used: Type.Integer(),
  remaining: Type.Integer(),
  periodStart: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateQuotaBody = Type.Object({
  sendingAccountId: Uuid,
  channel: ChannelSchema,
  period: PeriodSchema,
  allowance: Type.Integer({ minimum: 0 }),
});

export const UpdateQuotaBody = Type.Object({
  allowance: Type.Optional(Type.Integer({ minimum: 0 })),
  period: Type.Optional(PeriodSchema),
  resetUsed: Type.Optional(Type.Boolean()),
});

export const QuotaListQuery = Type.Object({
  ...PageQuery.properties,
  enterpriseId: Type.Optional(Uuid),
  sendingAccountId: Type.Optional(Uuid),
  channel: Type.Optional(ChannelSchema),
});

export const QuotaLogSchema = Type.Object({
  id: Uuid,
  quotaId: Uuid,
  action: Type.Union([
    Type.Literal('allocate'),
    Type.Literal('deduct'),
    Type.Literal('return'),
    Type.Literal('reset'),
  ]),
  change: Type.Integer(),
  usedAfter: Type.Integer(),
  allowanceAfter: Type.Integer(),
  objectId: Nullable(Type.String()),
  note: Type.String(),
  createdAt: Timestamp,
});

const BillFields = {
  id: Uuid,
  enterpriseId: Uuid,
  periodFrom: Type.String(),
  periodTo: Type.String(),
  timezone: Type.String(),
  startsAt: Timestamp,
  endsAt: Timestamp,
  currency: Type.String(),
  charges: Micro('Charged'),
  refunds: Micro('Refunded'),
  total: Micro('Charges minus refunds'),
  createdAt: Timestamp,
};

export const BillItemSchema = Type.Object({
  channel: Type.String(),
  country: Type.String(),
  messages: Type.Integer(),
  quantity: Type.Integer(),
  charges: Type.Integer(),
  refunds: Type.Integer(),
  total: Type.Integer(),
});

export const BillSummarySchema = Type.Object(BillFields);
export const BillSchema = Type.Object({ ...BillFields, items: Type.Array(BillItemSchema) });

export const GenerateBillBody = Type.Object({ enterpriseId: Uuid, from: DateOnly, to: DateOnly });
export const BillListQuery = Type.Object({
  ...PageQuery.properties,
  enterpriseId: Type.Optional(Uuid),
});
export const BillExportQuery = Type.Object({
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }),
});

// --- profit (BL-6) ------------------------------------------------------------------------
export const ProfitGroupBySchema = Type.Union(
  [Type.Literal('day'), Type.Literal('provider'), Type.Literal('country'), Type.Literal('enterprise')],
  { description: 'What one row stands for' },
);

export const ProfitQuery = Type.Object({
  from: Type.Optional(
    Type.String({
      ...DateOnly,
      description: 'First day (inclusive) in `timezone`; default: 29 days before `to`',
    }),
  ),
  to: Type.Optional(
    Type.String({ ...DateOnly, description: 'Last day (inclusive) in `timezone`; default: today' }),
  ),
  groupBy: Type.Optional(ProfitGroupBySchema),
  enterpriseId: Type.Optional(Uuid),
  channel: Type.Optional(ChannelSchema),
  timezone: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'IANA time zone of the dates and day buckets; default UTC',
    }),
  ),
});

const ProfitMeasures = {
  messages: Type.Integer({ description: 'Messages accepted in the range' }),
  revenue: Micro('Charged and not refunded'),
  cost: Micro('Provider cost of the parts submitted'),
  margin: Micro('Revenue minus cost'),
  marginRate: Nullable(Type.Number({ description: 'Margin / revenue (4 decimals); null without revenue' })),
};

export const ProfitRowSchema = Type.Object({
  key: Nullable(
    Type.String({
      description:
        'Day YYYY-MM-DD, provider id, country code or enterprise id; null: not routed yet / no country',
    }),
  ),
  label: Type.String({ description: 'Provider or enterprise name; the key otherwise' }),
  currency: Type.String(),
  ...ProfitMeasures,
});

export const ProfitReportSchema = Type.Object({
  groupBy: ProfitGroupBySchema,
  from: Type.String(),
  to: Type.String(),
  timezone: Type.String(),
  startsAt: Timestamp,
  endsAt: Timestamp,
  rows: Type.Array(ProfitRowSchema),
  totals: Type.Array(Type.Object({ currency: Type.String(), ...ProfitMeasures }), {
    description: 'One per currency; amounts of different currencies are never added',
  }),
});
