// The web page's pure parts of the token lifecycle: the sparkline's line and the inventory's
// query string.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endOfLocalDay } from '../../web/src/format.js';
import { inventoryQuery, NO_FILTERS } from '../../web/src/inventory-query.js';
import { sparkPoints } from '../../web/src/sparkline-points.js';

test('sparkline: the busiest day at the top, no use along the bottom, the box spanned', () => {
  assert.equal(sparkPoints([0, 5, 10], 10, 20), '0,19 5,10 10,1');
  assert.equal(
    sparkPoints([0, 0], 10, 20),
    '0,19 10,19',
    'all zero: a flat line, no division by 0',
  );
  assert.equal(sparkPoints([3], 10, 20), '0,1');
  assert.equal(sparkPoints([]), '');
});

test('inventory query: only the filters set, dates as the end of that local day', () => {
  assert.equal(inventoryQuery(NO_FILTERS, endOfLocalDay), '/api/admin/tokens?limit=100');
  const url = new URL(
    inventoryQuery(
      { ...NO_FILTERS, q: ' 50% off ', owner: '7', expired: 'false', expiresBefore: '2031-02-05' },
      endOfLocalDay,
      'CURSOR',
    ),
    'http://x',
  );
  assert.equal(url.searchParams.get('q'), '50% off');
  assert.equal(url.searchParams.get('owner'), '7');
  assert.equal(url.searchParams.get('expired'), 'false');
  assert.equal(url.searchParams.get('next'), 'CURSOR');
  const before = new Date(url.searchParams.get('expiresBefore') as string);
  assert.equal(before.getDate(), 5);
  assert.equal(before.getHours(), 23);
  assert.equal(url.searchParams.has('neverUsed'), false);
});
