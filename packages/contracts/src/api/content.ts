import Type, { type Static } from 'typebox';
import { LANGUAGES, PURPOSES } from '../vocab.ts';
import { Uuid } from './common.ts';

/** The content library API: blocks, templates with versions, the approval workflow, previews. */

const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Key = Type.String({ pattern: '^[a-z][a-z0-9_.-]{1,62}$' });

export const CONTENT_BLOCK_KINDS = ['greeting', 'body', 'offer', 'call_to_action', 'legal_footer'] as const;
export const CONTENT_TEMPLATE_PURPOSES = ['service', 'care', 'advertising'] as const;
export const CONTENT_TEMPLATE_KINDS = ['standard', 'feedback', 'loyalty'] as const;
export const CONTENT_CHANNEL_NAMES = ['sms', 'email', 'messenger'] as const;
export const CONTENT_STATES = ['draft', 'in_review', 'approved', 'retired'] as const;

const Text = Type.String({ maxLength: 4000 });
export const BlockTextSchema = Type.Object(
  {
    text: Text,
    sms: Type.Optional(Nullable(Text)),
    email: Type.Optional(Nullable(Text)),
    messenger: Type.Optional(Nullable(Text)),
  },
  { additionalProperties: false },
);
export const BlockContentSchema = Type.Object(
  { ru: Type.Optional(BlockTextSchema), en: Type.Optional(BlockTextSchema) },
  { additionalProperties: false },
);

export const BlockCreate = Type.Object(
  {
    key: Key,
    kind: Type.Enum(CONTENT_BLOCK_KINDS),
    content: BlockContentSchema,
    url: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type BlockCreate = Static<typeof BlockCreate>;

export const BlockUpdate = Type.Object(
  { content: BlockContentSchema, url: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

export const BlockView = Type.Object({
  id: Uuid,
  version: Type.Integer(),
  key: Type.String(),
  kind: Type.Enum(CONTENT_BLOCK_KINDS),
  content: BlockContentSchema,
  url: Type.Optional(Type.String()),
  createdBy: Type.String(),
  createdAt: Instant,
});

const VariantSchema = Type.Union([
  Type.Object(
    { channel: Type.Enum(['sms', 'messenger']), language: Type.Enum(LANGUAGES) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      channel: Type.Literal('email'),
      language: Type.Enum(LANGUAGES),
      subject: Type.String({ maxLength: 300 }),
      preheader: Type.String({ maxLength: 300 }),
    },
    { additionalProperties: false },
  ),
]);

export const TemplateContentSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    purpose: Type.Enum(CONTENT_TEMPLATE_PURPOSES),
    kind: Type.Enum(CONTENT_TEMPLATE_KINDS),
    medical: Type.Boolean(),
    blocks: Type.Array(Type.Object({ blockId: Uuid, version: Type.Integer({ minimum: 1 }) }), {
      maxItems: 20,
    }),
    variants: Type.Array(VariantSchema, { maxItems: 12 }),
  },
  { additionalProperties: false },
);

export const TemplateCreate = Type.Object(
  { key: Key, sendPurpose: Type.Enum(PURPOSES), content: TemplateContentSchema },
  { additionalProperties: false },
);

export const LintFindingView = Type.Object({
  rule: Type.String(),
  severity: Type.Enum(['error', 'warning']),
  field: Type.String(),
  message_ru: Type.String(),
  message_en: Type.String(),
});

export const TemplateVersionView = Type.Object({
  templateId: Uuid,
  key: Type.String(),
  sendPurpose: Type.Enum(PURPOSES),
  version: Type.Integer(),
  state: Type.Enum(CONTENT_STATES),
  authorId: Type.String(),
  content: TemplateContentSchema,
  lint: Nullable(
    Type.Object({
      purpose: Type.String(),
      fingerprint: Type.String(),
      findings: Type.Array(LintFindingView),
    }),
  ),
  reviewNote: Nullable(Type.String()),
  createdAt: Instant,
  updatedAt: Instant,
  submittedAt: Type.Optional(Instant),
  approvedBy: Type.Optional(Type.String()),
  approvedAt: Type.Optional(Instant),
  retiredAt: Type.Optional(Instant),
  /** Display names of the author and approver, in the template's history. */
  authorName: Type.Optional(Type.String()),
  approverName: Type.Optional(Type.String()),
});

export const TemplateSummaryView = Type.Object({
  id: Uuid,
  key: Type.String(),
  sendPurpose: Type.Enum(PURPOSES),
  name: Type.String(),
  latest: Type.Object({ version: Type.Integer(), state: Type.Enum(CONTENT_STATES) }),
  approvedVersion: Nullable(Type.Integer()),
});

export const TemplateDetailView = Type.Object({
  id: Uuid,
  key: Type.String(),
  sendPurpose: Type.Enum(PURPOSES),
  versions: Type.Array(TemplateVersionView),
  /** Every block version the versions pin, so a version reads (and edits) without more calls. */
  blocks: Type.Array(BlockView),
});

export const TemplateRef = Type.Object({ id: Type.String({ minLength: 2, maxLength: 64 }) });
export const TemplateVersionRef = Type.Object({
  id: Type.String({ minLength: 2, maxLength: 64 }),
  version: Type.Integer({ minimum: 1 }),
});
export const ReviewNote = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);

export const PreviewRequestSchema = Type.Object(
  {
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    channel: Type.Enum(CONTENT_CHANNEL_NAMES),
    language: Type.Enum(LANGUAGES),
    patientId: Type.Optional(Uuid),
    /** The purpose to preview a patient's message under; the template's own by default. */
    purpose: Type.Optional(Type.Enum(PURPOSES)),
  },
  { additionalProperties: false },
);
export type PreviewRequestSchema = Static<typeof PreviewRequestSchema>;

const SmsInfoView = Type.Object({
  characters: Type.Integer(),
  units: Type.Integer(),
  parts: Type.Integer(),
  perPart: Type.Integer(),
  encoding: Type.String(),
});
const RenderErrorView = Type.Object({ code: Type.String() }, { additionalProperties: true });

export const PreviewView = Type.Object({
  templateId: Uuid,
  key: Type.String(),
  version: Type.Integer(),
  state: Type.Enum(CONTENT_STATES),
  sendable: Type.Boolean(),
  channel: Type.Enum(CONTENT_CHANNEL_NAMES),
  language: Type.Enum(LANGUAGES),
  message: Nullable(Type.Object({}, { additionalProperties: true })),
  sms: Nullable(SmsInfoView),
  errors: Type.Array(RenderErrorView),
  findings: Type.Array(LintFindingView),
});

/**
 * A template version as the editor holds it: the blocks' texts inline rather than pinned
 * references. Saving writes a new version of each block whose text changed (and the blocks
 * that are new) and the template version pinning them, in one transaction.
 */
export const DraftBlockSchema = Type.Object(
  {
    /** The block and version this text was loaded from; absent for a new block. */
    blockId: Type.Optional(Uuid),
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    kind: Type.Enum(CONTENT_BLOCK_KINDS),
    content: BlockContentSchema,
    url: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const TemplateDraftSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    purpose: Type.Enum(CONTENT_TEMPLATE_PURPOSES),
    kind: Type.Enum(CONTENT_TEMPLATE_KINDS),
    medical: Type.Boolean(),
    blocks: Type.Array(DraftBlockSchema, { maxItems: 20 }),
    variants: Type.Array(VariantSchema, { maxItems: 12 }),
  },
  { additionalProperties: false },
);
export type TemplateDraftSchema = Static<typeof TemplateDraftSchema>;

export const DraftCheckRequest = Type.Object(
  { sendPurpose: Type.Enum(PURPOSES), draft: TemplateDraftSchema },
  { additionalProperties: false },
);
export const DraftCreate = Type.Object(
  { key: Key, sendPurpose: Type.Enum(PURPOSES), draft: TemplateDraftSchema },
  { additionalProperties: false },
);
export const DraftSave = Type.Object({ draft: TemplateDraftSchema }, { additionalProperties: false });

/**
 * The compliance linter's findings on an unsaved draft and each variant rendered with sample
 * values. A finding's field names a block by its position in the draft (`sms.ru.block:b2`), also
 * for a claim or term quoted from one block's text; otherwise the variant's part (`sms.ru.text`).
 */
export const DraftCheckView = Type.Object({
  purpose: Type.Enum(CONTENT_TEMPLATE_PURPOSES),
  findings: Type.Array(LintFindingView),
  previews: Type.Array(
    Type.Object({
      channel: Type.Enum(CONTENT_CHANNEL_NAMES),
      language: Type.Enum(LANGUAGES),
      message: Nullable(Type.Object({}, { additionalProperties: true })),
      sms: Nullable(SmsInfoView),
      errors: Type.Array(RenderErrorView),
    }),
  ),
});
