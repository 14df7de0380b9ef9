// Our OpenAPI document against the extract of Unleash 8.2.0's: the three PAT operations and
// their schemas must agree in paths, methods, operationIds, parameters, required fields and
// types, so OpenAPI-generated Unleash clients work unchanged. Descriptions are our own.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Harness, json, startHarness } from '../helpers/harness.js';

interface SchemaNode {
  type?: string;
  format?: string;
  nullable?: boolean;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  $ref?: string;
  description?: string;
}
interface Operation {
  operationId: string;
  parameters?: { name: string; in: string; required?: boolean; schema: SchemaNode }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: SchemaNode }> };
  responses: Record<
    string,
    { content?: Record<string, { schema: SchemaNode }>; headers?: Record<string, unknown> }
  >;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, SchemaNode> };
}
interface Extract {
  operations: Record<string, { path: string; method: string; operation: Operation }>;
  schemas: Record<string, SchemaNode>;
}

// The shape of Unleash's document (descriptions and examples stripped) is kept with the tests;
// the full extract, with Unleash's own descriptions, is read from ../shared when it is there.
const shapePath = fileURLToPath(
  new URL('../fixtures/unleash-8.2.0-pat-openapi-shape.json', import.meta.url),
);
const unleash = JSON.parse(readFileSync(shapePath, 'utf8')) as Extract;
const fullExtractPath = fileURLToPath(
  new URL('../../../shared/spec/unleash-8.2.0-openapi-pat.json', import.meta.url),
);
const fullExtract = existsSync(fullExtractPath)
  ? (JSON.parse(readFileSync(fullExtractPath, 'utf8')) as Extract)
  : undefined;

let h: Harness;
let doc: Document;
before(async () => {
  h = await startHarness();
  doc = json<Document>(await h.request({ method: 'GET', url: '/docs/openapi.json' }));
});
after(() => h.close());

/** The shape that matters to a generated client: types, formats, nullability, required, refs. */
function shape(node: SchemaNode | undefined): unknown {
  if (!node) return undefined;
  if (node.$ref) return { ref: node.$ref.split('/').pop()?.replace(/#$/, '') };
  return {
    type: node.type,
    format: node.format,
    nullable: node.nullable ?? false,
    required: [...(node.required ?? [])].sort(),
    properties: Object.fromEntries(
      Object.entries(node.properties ?? {})
        .map(([key, value]) => [key, shape(value)])
        .sort(),
    ),
    items: shape(node.items),
  };
}

for (const [operationId, expected] of Object.entries(unleash.operations)) {
  test(`operation ${operationId}: path, method, parameters, body and responses`, () => {
    const ours = doc.paths[expected.path.replace(/\{(\w+)\}/g, '{$1}')]?.[expected.method];
    assert.ok(ours, `${expected.method.toUpperCase()} ${expected.path} is documented`);
    assert.equal(ours.operationId, operationId);
    const params = (ops: Operation) =>
      (ops.parameters ?? []).map((p) => ({
        name: p.name,
        in: p.in,
        required: p.required ?? false,
        type: p.schema.type,
      }));
    assert.deepEqual(params(ours), params(expected.operation));
    assert.deepEqual(
      shape(ours.requestBody?.content['application/json']?.schema),
      shape(expected.operation.requestBody?.content['application/json']?.schema),
    );
    assert.equal(
      ours.requestBody?.required ?? false,
      expected.operation.requestBody?.required ?? false,
    );
    for (const [status, response] of Object.entries(expected.operation.responses)) {
      assert.ok(ours.responses[status], `documents ${status}`);
      const ourSchema: SchemaNode | undefined =
        ours.responses[status]?.content?.['application/json']?.schema;
      const theirSchema: SchemaNode | undefined = response.content?.['application/json']?.schema;
      if (status.startsWith('2')) {
        assert.deepEqual(shape(ourSchema), shape(theirSchema));
      } else {
        // Error bodies: every property Unleash documents, with the same type.
        for (const [key, property] of Object.entries(theirSchema?.properties ?? {})) {
          assert.equal(ourSchema?.properties?.[key]?.type, property.type, `${status} ${key}`);
        }
      }
      if (response.headers)
        assert.deepEqual(
          Object.keys(ours.responses[status]?.headers ?? {}),
          Object.keys(response.headers),
        );
    }
  });
}

/**
 * Unlatch's additions to Unleash's schemas (spec/scopes.md): optional, never required, so a
 * client generated from Unleash's document sends and reads exactly what it did. Everything
 * else must match Unleash's shape exactly.
 */
const UNLATCH_ADDITIONS: Record<string, readonly string[]> = {
  createPatSchema: ['scopes', 'audiences'],
  patSchema: ['scopes', 'audiences'],
};

function withoutAdditions(name: string, node: SchemaNode): SchemaNode {
  const additions = UNLATCH_ADDITIONS[name] ?? [];
  const properties = { ...node.properties };
  for (const key of additions) {
    assert.equal(properties[key]?.type, 'array', `${name}.${key} is Unlatch's addition`);
    assert.ok(!(node.required ?? []).includes(key), `${name}.${key} is optional`);
    delete properties[key];
  }
  return { ...node, properties };
}

for (const name of Object.keys(unleash.schemas)) {
  test(`schema ${name}: same properties, types, formats and required fields`, () => {
    const ours = doc.components.schemas[name];
    assert.ok(ours, `${name} is a component`);
    assert.deepEqual(shape(withoutAdditions(name, ours)), shape(unleash.schemas[name]));
  });

  test(`schema ${name}: descriptions are written in our own words`, (t) => {
    if (!fullExtract) {
      t.skip('../shared/spec/unleash-8.2.0-openapi-pat.json is not beside this checkout');
      return;
    }
    const theirs = fullExtract.schemas[name] as SchemaNode;
    const ours = doc.components.schemas[name] as SchemaNode;
    assert.ok(ours.description && ours.description !== theirs.description);
    for (const [key, property] of Object.entries(ours.properties ?? {})) {
      assert.ok(property.description, `${name}.${key} has a description`);
      assert.notEqual(
        property.description,
        theirs.properties?.[key]?.description,
        `${name}.${key}`,
      );
    }
  });
}

test('the browsable API page is served', async () => {
  const response = await h.request({ method: 'GET', url: '/docs/openapi' });
  assert.ok([200, 302].includes(response.statusCode));
  const page = await h.request({ method: 'GET', url: '/docs/openapi/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /swagger/i);
});

test('the gateway endpoints are documented: operations, asks, identity headers and errors', () => {
  const expected = [
    ['/api/authz/auth-request', 'get', 'authRequest'],
    ['/api/authz/forward-auth', 'get', 'forwardAuth'],
    ['/api/authz/ext-authz', 'get', 'extAuthz'],
    ['/oauth/introspect', 'post', 'introspectToken'],
  ] as const;
  for (const [path, method, operationId] of expected) {
    const operation = doc.paths[path]?.[method];
    assert.ok(operation, `${method} ${path}`);
    assert.equal(operation.operationId, operationId);
    for (const status of ['200', '401', '403', '429', '503'])
      assert.ok(operation.responses[status], `${operationId} documents ${status}`);
    if (operationId === 'extAuthz') {
      assert.ok(
        (operation.parameters ?? []).some((p) => p.in === 'header' && p.name === 'x-unlatch-ask'),
      );
    } else if (method === 'get') {
      assert.deepEqual(
        (operation.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => p.name)
          .sort(),
        ['audience', 'resource', 'scope'],
      );
    }
    if (method === 'get')
      assert.ok(Object.keys(operation.responses['200']?.headers ?? {}).includes('Remote-User'));
  }
  const introspect = doc.paths['/oauth/introspect']?.post;
  assert.ok(introspect?.requestBody?.content['application/x-www-form-urlencoded']);
  assert.ok(introspect?.responses['415']);
});

test("service accounts: Unleash's operations, paths and component names", () => {
  const expected = [
    ['/api/admin/service-account', 'get', 'getServiceAccounts', 'serviceAccountsSchema'],
    ['/api/admin/service-account', 'post', 'createServiceAccount', 'serviceAccountSchema'],
    ['/api/admin/service-account/{id}', 'put', 'updateServiceAccount', 'serviceAccountSchema'],
    ['/api/admin/service-account/{id}', 'delete', 'deleteServiceAccount', undefined],
    ['/api/admin/service-account/{id}/token', 'get', 'getServiceAccountTokens', 'patsSchema'],
    ['/api/admin/service-account/{id}/token', 'post', 'createServiceAccountToken', 'patSchema'],
    [
      '/api/admin/service-account/{id}/token/{tokenId}',
      'delete',
      'deleteServiceAccountToken',
      undefined,
    ],
  ] as const;
  for (const [path, method, operationId, schema] of expected) {
    const operation = doc.paths[path]?.[method];
    assert.ok(operation, `${method} ${path}`);
    assert.equal(operation.operationId, operationId);
    if (schema !== undefined) {
      const success = Object.entries(operation.responses).find(([status]) => status < '300');
      assert.equal(
        success?.[1].content?.['application/json']?.schema.$ref?.split('/').pop(),
        schema,
        `${operationId} answers ${schema}`,
      );
    }
  }
  const create = doc.components.schemas.createServiceAccountSchema;
  assert.deepEqual(create?.required, ['rootRole']);
  assert.ok(create?.properties?.username && create.properties.name);
  assert.deepEqual(doc.components.schemas.serviceAccountSchema?.required, ['id']);
  assert.deepEqual(doc.components.schemas.serviceAccountsSchema?.required, ['serviceAccounts']);
  assert.ok(doc.components.schemas.updateServiceAccountSchema?.properties?.rootRole);
  const tokenBody = doc.paths['/api/admin/service-account/{id}/token']?.post?.requestBody;
  assert.equal(
    tokenBody?.content['application/json']?.schema.$ref?.split('/').pop(),
    'createPatSchema',
  );
});

test("the token lifecycle's operations are documented: additions Unleash does not have", () => {
  const expected = [
    ['/api/admin/user/tokens/{id}/rotate', 'post', 'rotatePat', ['201', '400', '404', '409']],
    ['/api/admin/user/tokens/{id}/usage', 'get', 'getPatUsage', ['200', '404']],
    ['/api/admin/tokens', 'get', 'getAllTokens', ['200', '400', '403']],
    ['/api/admin/tokens/{id}', 'delete', 'revokeToken', ['200', '403', '404']],
    ['/api/admin/tokens/revoke', 'post', 'revokeTokens', ['200', '400', '403']],
    ['/api/admin/tokens/{id}/usage', 'get', 'getTokenUsage', ['200', '403', '404']],
  ] as const;
  for (const [path, method, operationId, statuses] of expected) {
    const operation = doc.paths[path]?.[method];
    assert.ok(operation, `${method} ${path}`);
    assert.equal(operation.operationId, operationId);
    for (const status of statuses)
      assert.ok(operation.responses[status], `${operationId} documents ${status}`);
  }
  const rotate = doc.paths['/api/admin/user/tokens/{id}/rotate']?.post;
  assert.ok(rotate?.responses['201']?.headers?.location, 'rotation answers with a Location');
  const inventory = doc.paths['/api/admin/tokens']?.get;
  assert.deepEqual(
    (inventory?.parameters ?? [])
      .filter((p) => p.in === 'query')
      .map((p) => p.name)
      .sort(),
    [
      'accountType',
      'expired',
      'expiresBefore',
      'limit',
      'neverUsed',
      'next',
      'owner',
      'q',
      'seenBefore',
    ],
  );
});

test('the webhook routes are documented: operations, the secret only in the creation answer, errors', () => {
  const expected = [
    ['/api/admin/webhooks', 'get', 'getWebhooks', '200'],
    ['/api/admin/webhooks', 'post', 'createWebhook', '201'],
    ['/api/admin/webhooks/{id}', 'get', 'getWebhook', '200'],
    ['/api/admin/webhooks/{id}', 'put', 'updateWebhook', '200'],
    ['/api/admin/webhooks/{id}', 'patch', 'patchWebhook', '200'],
    ['/api/admin/webhooks/{id}', 'delete', 'deleteWebhook', '200'],
    ['/api/admin/webhooks/{id}/deliveries', 'get', 'getWebhookDeliveries', '200'],
    ['/api/admin/webhooks/{id}/test', 'post', 'testWebhook', '202'],
  ] as const;
  for (const [path, method, operationId, ok] of expected) {
    const operation = doc.paths[path]?.[method];
    assert.ok(operation, `${method} ${path}`);
    assert.equal(operation.operationId, operationId);
    for (const status of ['401', '403'])
      assert.ok(operation.responses[status], `${operationId} ${status}`);
    if (path.includes('{id}')) assert.ok(operation.responses['404'], `${operationId} 404`);
    if (ok !== '200') assert.ok(operation.responses[ok], `${operationId} ${ok}`);
    const answer = operation.responses[ok]?.content?.['application/json']?.schema;
    const hasSecret = Object.keys(answer?.properties ?? {}).includes('secret');
    assert.equal(hasSecret, operationId === 'createWebhook', `${operationId}: secret`);
  }
});
