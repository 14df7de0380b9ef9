// Request validation: one Ajv for bodies (no type coercion, every problem reported) and a
// strict parser for path ids, because Ajv's integer coercion accepts "0x10", "1e2" and " ".

import Ajv, { type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { BadDataError, type ErrorDetail, REQUEST_VALIDATION_FAILED } from '../core/errors.js';

export const MAX_INT4 = 2_147_483_647;

export function createBodyAjv(sharedSchemas: readonly SchemaObject[]): Ajv.default {
  const ajv = new Ajv.default({
    allErrors: true,
    verbose: true, // error.data: lets a message say what was sent
    coerceTypes: false,
    useDefaults: true,
    removeAdditional: false,
    // OpenAPI annotations on our schemas are not validation keywords.
    keywords: ['example'],
    strict: false,
  });
  addFormats.default(ajv, { mode: 'full' });
  for (const schema of sharedSchemas) ajv.addSchema(schema);
  return ajv;
}

// Values of these fields are never repeated back: an error body may end up in a proxy's log.
const SECRET_FIELD = /password|secret|token/i;

/**
 * What was sent, for a message: scalars shown (truncated), containers only described, since
 * stringifying a deeply nested body overflows the stack (a 500, found by the fuzzer).
 */
function shown(value: unknown, path = ''): string {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  if (SECRET_FIELD.test(path)) return `${kind} (not repeated here)`;
  if (value !== null && typeof value === 'object') {
    return Array.isArray(value) ? `an array of ${value.length} items` : 'an object';
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One detail per Ajv error, worded for a person reading the response. */
export function describeAjvError(error: ErrorObject, part: string): ErrorDetail {
  const base = `/${part}${error.instancePath}`;
  if (error.keyword === 'required') {
    const path = `${base}/${String(error.params.missingProperty)}`;
    return {
      path,
      message: `The \`${path}\` property is required. It was not present on the data you sent.`,
    };
  }
  const where = error.instancePath === '' ? `The request ${part}` : `The \`${base}\` property`;
  switch (error.keyword) {
    case 'type':
      return {
        path: base,
        message: `${where} must be of type ${String(error.params.type)}. You sent ${shown(error.data, base)}.`,
      };
    case 'format':
      return {
        path: base,
        message: `${where} must be a valid ${String(error.params.format)} (RFC 3339, with a time zone, e.g. 2030-01-31T12:00:00Z). You sent ${shown(error.data, base)}.`,
      };
    default:
      return { path: base, message: `${where} ${error.message ?? 'is invalid'}.` };
  }
}

function strictPositiveInt(raw: unknown): number | undefined {
  if (typeof raw !== 'string' || !/^[0-9]{1,12}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= 1 && value <= MAX_INT4 ? value : undefined;
}

/**
 * Path parameters declared `type: integer` must be plain decimal digits within int4 (leading
 * zeros allowed, as Unleash does); anything else is a 400 rather than a coercion.
 */
function compileParams(schema: SchemaObject) {
  const properties = (schema.properties ?? {}) as Record<string, { type?: string }>;
  return (params: Record<string, unknown>) => {
    const value: Record<string, unknown> = { ...params };
    const details: ErrorDetail[] = [];
    for (const [name, spec] of Object.entries(properties)) {
      if (spec.type !== 'integer') continue;
      const parsed = strictPositiveInt(params[name]);
      if (parsed === undefined) {
        const path = `/params/${name}`;
        details.push({
          path,
          message: `The \`${path}\` property must be a whole number from 1 to ${MAX_INT4}. You sent ${shown(params[name])}.`,
        });
      } else {
        value[name] = parsed;
      }
    }
    if (details.length > 0) return { error: new BadDataError(REQUEST_VALIDATION_FAILED, details) };
    return { value };
  };
}

/**
 * Where `value` holds text PostgreSQL cannot store as sent: a NUL character (text cannot hold
 * one: it was a 500) or a lone surrogate (it would be silently replaced). Depth-bounded: Ajv
 * has already checked the shape, and a hostile body can nest deeper than the stack.
 */
export function badTextPaths(value: unknown, path: string, depth = 0, found: string[] = []) {
  if (found.length >= 20 || depth > 32) return found;
  if (typeof value === 'string') {
    if (value.includes('\u0000') || !value.isWellFormed()) found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => badTextPaths(item, `${path}/${index}`, depth + 1, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      badTextPaths(item, `${path}/${key}`, depth + 1, found);
    }
  }
  return found;
}

/**
 * Ajv compiles a route's schema the first time the route validates a request, not when the
 * server starts: compiling all of them took 130-290 ms of a start that should take under a
 * second, for routes many deployments never call. Every route's schema is compiled by the
 * test suite, which calls every route.
 */
export function validatorCompiler(ajv: Ajv.default): FastifySchemaCompiler<SchemaObject> {
  return ({ schema, httpPart }) => {
    if (httpPart === 'params') return compileParams(schema);
    let compiled: ValidateFunction | undefined;
    const part = httpPart === 'querystring' ? 'query' : (httpPart ?? 'body');
    return (data: unknown) => {
      compiled ??= ajv.compile(schema);
      const validate = compiled;
      if (!validate(data)) {
        const details = (validate.errors ?? []).map((error) => describeAjvError(error, part));
        return { error: new BadDataError(REQUEST_VALIDATION_FAILED, details) };
      }
      const bad = badTextPaths(data, `/${part}`);
      if (bad.length === 0) return { value: data };
      const details = bad.map((path) => ({
        path,
        message: `The \`${path}\` property must be valid text: no NUL characters or broken unicode.`,
      }));
      return { error: new BadDataError(REQUEST_VALIDATION_FAILED, details) };
    };
  };
}
