// Request and response schemas of the suppression list and the opt-out keywords (MS-7).
import { Type, type Static } from 'typebox';
import { PageQuery } from '../../platform/http/pagination.js';
import { Nullable, Timestamp, Uuid } from '../../platform/http/schemas.js';

export const SuppressionSourceSchema = Type.Union(
  [Type.Literal('mo'), Type.Literal('manual'), Type.Literal('import')],
  { description: 'mo: an opt-out keyword from the recipient; manual: added by hand; import: CSV import.' },
);

export const SuppressionSchema = Type.Object({
  id: Uuid,
  enterpriseId: Uuid,
  number: Type.String({ description: 'E.164 number that no SMS of this enterprise is sent to.' }),
  source: SuppressionSourceSchema,
  reason: Type.String(),
  inboundId: Nullable(Uuid),
  createdBy: Nullable(Type.String()),
  createdAt: Timestamp,
});
export type SuppressionView = Static<typeof SuppressionSchema>;

export const SuppressionListQuery = Type.Object({
  ...PageQuery.properties,
  enterpriseId: Type.Optional(Uuid),
  number: Type.Optional(Type.String({ maxLength: 32, description: 'Part of the number.' })),
  source: Type.Optional(SuppressionSourceSchema),
});
export type SuppressionListInput = Static<typeof SuppressionListQuery>;

export const CreateSuppressionBody = Type.Object(
  {
    enterpriseId: Type.Optional(Uuid),
    number: Type.String({ minLength: 1, maxLength: 32, description: 'International number (+ or 00).' }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type CreateSuppressionInput = Static<typeof CreateSuppressionBody>;

export const ImportSuppressionsBody = Type.Object(
  {
    enterpriseId: Type.Optional(Uuid),
    csv: Type.String({
      minLength: 1,
      maxLength: 5_000_000,
      description:
        'CSV with a header row `number,reason` (reason optional). All or nothing: any bad line ' +
        'rejects the whole file with line-numbered errors.',
    }),
  },
  { additionalProperties: false },
);
export type ImportSuppressionsInput = Static<typeof ImportSuppressionsBody>;

export const ImportSuppressionsResult = Type.Object({
  imported: Type.Integer({ description: 'Numbers added.' }),
  skipped: Type.Integer({ description: 'Numbers already on the list.' }),
});

export const ExportSuppressionsQuery = Type.Object({ enterpriseId: Type.Optional(Uuid) });

export const OptOutActionSchema = Type.Union([Type.Literal('opt_out'), Type.Literal('opt_in')]);

export const OptOutKeywordSchema = Type.Object({
  id: Uuid,
  keyword: Type.String(),
  action: OptOutActionSchema,
  language: Type.String(),
  createdAt: Timestamp,
});
export type OptOutKeywordView = Static<typeof OptOutKeywordSchema>;

export const CreateOptOutKeywordBody = Type.Object(
  {
    keyword: Type.String({ minLength: 1, maxLength: 30 }),
    action: OptOutActionSchema,
    language: Type.String({ minLength: 2, maxLength: 10, pattern: '^[a-z]{2,3}(-[A-Za-z]{2,4})?$' }),
  },
  { additionalProperties: false },
);
export type CreateOptOutKeywordInput = Static<typeof CreateOptOutKeywordBody>;
