// The web page's types against the server's response schemas, checked by the compiler: this
// file has no runtime part, and `npm run typecheck` (tsc -p tsconfig.json) fails when they
// drift apart. For each type the page reads:
//   missing    fields the page reads that the schema does not have (a server rename or removal);
//   unknown    fields the schema requires that the page's type does not have (a new required one);
//   wrongType  fields whose schema type the page's type does not accept (string for number,
//              or null where the page does not expect it).
// Every schema property is taken as present: most schemas here list few `required` fields,
// and the page relies on the server sending what it documents.

import type { patSchema, tokenUsageSchema } from '../../src/features/pats/pat-schemas.js';
import type {
  serviceAccountSchema,
  serviceAccountsSchema,
} from '../../src/features/service-accounts/service-account-schemas.js';
import type {
  createdWebhookSchema,
  deliveriesSchema,
  webhookJsonSchema,
} from '../../src/features/webhooks/webhook-schemas.js';
import type {
  CreatedPat,
  CreatedWebhook,
  Pat,
  ServiceAccount,
  ServiceAccounts,
  TokenUsage,
  Webhook,
  WebhookDelivery,
} from '../../web/src/types.js';

/** The schemas a `$ref` names, as the server registers them. */
interface Refs {
  'patSchema#': typeof patSchema;
  'serviceAccountSchema#': typeof serviceAccountSchema;
}

type Scalar<T> = T extends 'string'
  ? string
  : T extends 'integer' | 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : unknown;

type OrNull<S> = S extends { nullable: true } ? null : never;

/** The JSON a schema describes, for the keywords these schemas use. */
type Json<S> = S extends { $ref: infer R extends keyof Refs }
  ? Json<Refs[R]>
  : S extends { enum: readonly (infer E)[] }
    ? E | OrNull<S>
    : S extends { type: 'array'; items: infer I }
      ? Json<I>[] | OrNull<S>
      : S extends { type: 'object'; properties: infer P }
        ? { [K in keyof P]: Json<P[K]> } | OrNull<S>
        : S extends { type: readonly (infer T)[] }
          ? Scalar<T>
          : S extends { type: infer T }
            ? Scalar<T> | OrNull<S>
            : unknown;

type RequiredOf<S> = S extends { required: readonly (infer K)[] } ? K : never;

/**
 * What the page's type W gets wrong about schema S; every member `never` when they agree.
 * Gap: fields the page reads that the schema is known not to document (each one a server
 * issue to fix); `stale` names a listed gap that is one no more, so the list cannot rot.
 */
interface Drift<W, S, Gap extends keyof W> {
  missing: Exclude<keyof W, keyof Json<S> | Gap>;
  stale: Exclude<Gap, Exclude<keyof W, keyof Json<S>>>;
  unknown: Exclude<RequiredOf<S>, keyof W>;
  wrongType: {
    [K in keyof W & keyof Json<S>]: [Json<S>[K]] extends [Exclude<W[K], undefined>] ? never : K;
  }[keyof W & keyof Json<S>];
}

interface NoDrift {
  missing: never;
  stale: never;
  unknown: never;
  wrongType: never;
}

/**
 * `true` when the page's type and the schema agree; otherwise the drift, spelled out, so that
 * the compiler's error names the field: `Argument of type 'boolean' is not assignable to
 * parameter of type '{ missing: "expiresAt"; ... }'`.
 */
type Agreement<W, S, Gap extends keyof W> = [Drift<W, S, Gap>] extends [NoDrift]
  ? true
  : { [K in keyof Drift<W, S, Gap>]: Drift<W, S, Gap>[K] };

function agree<W, S, Gap extends keyof W = never>(
  agreement: Agreement<W, S, Gap>,
): Agreement<W, S, Gap> {
  return agreement;
}

type DeliverySchema = typeof deliveriesSchema.properties.deliveries.items;

// Known gap: the token list sends `rotatedTo` during a rotation's overlap (test/api/admin/user/
// rotate.test.ts), but patSchema does not document it, so the OpenAPI document leaves it out.
agree<Pat, typeof patSchema, 'rotatedTo'>(true);
agree<CreatedPat, typeof patSchema, 'rotatedTo'>(true);
agree<TokenUsage, typeof tokenUsageSchema>(true);
agree<ServiceAccount, typeof serviceAccountSchema>(true);
agree<ServiceAccounts, typeof serviceAccountsSchema>(true);
agree<Webhook, typeof webhookJsonSchema>(true);
agree<CreatedWebhook, typeof createdWebhookSchema>(true);
agree<WebhookDelivery, DeliverySchema>(true);
