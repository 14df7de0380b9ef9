import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestDurations } from './request-durations.js';

test('cumulative buckets, +Inf, sum and count per series, in the text format', () => {
  const d = new RequestDurations('req_seconds', 'Request time.', [0.01, 0.1]);
  d.observe('/a/:id', 'GET', 200, 0.005);
  d.observe('/a/:id', 'GET', 200, 0.01); // on a bound: counted in it (le = less or equal)
  d.observe('/a/:id', 'GET', 200, 0.05);
  d.observe('/a/:id', 'GET', 200, 3);
  d.observe('/a/:id', 'GET', 404, 0.001);
  const text = d.expose();
  const series = 'route="/a/:id",method="GET",status="200"';
  assert.ok(text.startsWith('# HELP req_seconds Request time.\n# TYPE req_seconds histogram\n'));
  assert.ok(text.includes(`req_seconds_bucket{le="0.01",${series}} 2\n`));
  assert.ok(text.includes(`req_seconds_bucket{le="0.1",${series}} 3\n`));
  assert.ok(text.includes(`req_seconds_bucket{le="+Inf",${series}} 4\n`));
  assert.ok(text.includes(`req_seconds_sum{${series}} 3.065\n`));
  assert.ok(text.includes(`req_seconds_count{${series}} 4\n`));
  assert.ok(text.includes('req_seconds_count{route="/a/:id",method="GET",status="404"} 1\n'));
});

test('label values are escaped', () => {
  const d = new RequestDurations('r', 'h', [1]);
  d.observe('/a"b\\c\nd', 'GET', 200, 0.5);
  assert.ok(d.expose().includes('route="/a\\"b\\\\c\\nd"'), d.expose());
});

test('no observations: only the help and type lines', () => {
  assert.equal(new RequestDurations('r', 'h', [1]).expose(), '# HELP r h\n# TYPE r histogram\n');
});
