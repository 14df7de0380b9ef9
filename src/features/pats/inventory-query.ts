// The inventory's query string, checked as a whole: every problem is listed in one 400.

import { BadDataError, type ErrorDetail, REQUEST_VALIDATION_FAILED } from '../../core/errors.js';
import {
  ACCOUNT_TYPES,
  type AccountType,
  type InventoryCursor,
  type InventoryFilters,
} from './pat-inventory-store.js';

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 500;
const MAX_ID = 2_147_483_647;

/** What the route's schema lets through: strings, each at most once. */
export interface InventoryQuery {
  owner?: string;
  accountType?: string;
  expired?: string;
  expiresBefore?: string;
  seenBefore?: string;
  neverUsed?: string;
  q?: string;
  limit?: string;
  next?: string;
}

export interface ParsedInventoryQuery {
  filters: InventoryFilters;
  limit: number;
  cursor: InventoryCursor | undefined;
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

/** The `next` of a page: opaque to clients, base64url of the last token's (time, id). */
export function encodeCursor(cursor: InventoryCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id]), 'utf8').toString('base64url');
}

export function decodeCursor(raw: string): InventoryCursor | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [time, id] = value as unknown[];
  if (typeof time !== 'string' || !CURSOR_TIME.test(time)) return undefined;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > MAX_ID) return undefined;
  // A real instant: month 13 or 25 o'clock would otherwise reach the database as an error.
  const parsed = new Date(`${time.slice(0, 23)}Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 23) !== time.slice(0, 23))
    return undefined;
  return { createdAt: time, id };
}

function instant(raw: string, name: string, problems: ErrorDetail[]): Date | undefined {
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) {
    problems.push({
      path: `/query/${name}`,
      message: `The \`/query/${name}\` value ${JSON.stringify(raw)} is not a real point in time.`,
    });
    return undefined;
  }
  return date;
}

export function parseInventoryQuery(query: InventoryQuery): ParsedInventoryQuery {
  const problems: ErrorDetail[] = [];
  const filters: InventoryFilters = {};
  if (query.owner !== undefined) {
    const owner = Number(query.owner);
    if (!/^\d{1,10}$/.test(query.owner) || owner < 1 || owner > MAX_ID) {
      problems.push({ path: '/query/owner', message: 'The `/query/owner` must be a user id.' });
    } else filters.owner = owner;
  }
  if (query.accountType !== undefined) {
    if (ACCOUNT_TYPES.includes(query.accountType as AccountType))
      filters.accountType = query.accountType as AccountType;
    else
      problems.push({
        path: '/query/accountType',
        message: `The \`/query/accountType\` must be one of ${ACCOUNT_TYPES.join(', ')}.`,
      });
  }
  for (const name of ['expired', 'neverUsed'] as const) {
    const raw = query[name];
    if (raw === undefined) continue;
    if (raw === 'true' || raw === 'false') filters[name] = raw === 'true';
    else
      problems.push({
        path: `/query/${name}`,
        message: `The \`/query/${name}\` must be true or false.`,
      });
  }
  for (const name of ['expiresBefore', 'seenBefore'] as const) {
    const raw = query[name];
    if (raw === undefined) continue;
    const date = instant(raw, name, problems);
    if (date) filters[name] = date;
  }
  if (query.q !== undefined && query.q !== '') filters.q = query.q;
  let limit = DEFAULT_PAGE;
  if (query.limit !== undefined) {
    limit = Number(query.limit);
    if (!/^\d{1,3}$/.test(query.limit) || limit < 1 || limit > MAX_PAGE)
      problems.push({
        path: '/query/limit',
        message: `The \`/query/limit\` must be a whole number from 1 to ${MAX_PAGE}.`,
      });
  }
  let cursor: InventoryCursor | undefined;
  if (query.next !== undefined) {
    cursor = decodeCursor(query.next);
    if (!cursor)
      problems.push({
        path: '/query/next',
        message:
          'The `/query/next` cursor is not one this server gave out: pass `next` as received.',
      });
  }
  if (problems.length > 0) throw new BadDataError(REQUEST_VALIDATION_FAILED, problems);
  return { filters, limit, cursor };
}
