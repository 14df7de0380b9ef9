// docs/grafana-dashboard.json against the metrics the server really exports: every metric a
// panel queries must be in a scrape of the app, with the labels the panel filters and groups
// by, so that a renamed metric or label breaks this test instead of a team's dashboard.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { dbKind, json, startHarness } from '../helpers/harness.js';

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}
interface Dashboard {
  panels: Panel[];
  templating: { list: { query: { query: string } }[] };
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8'),
) as Dashboard;

// Labels Prometheus adds when it scrapes, and the one every histogram bucket has.
const ADDED_BY_PROMETHEUS = new Set(['instance', 'job']);
// The PostgreSQL pool's gauge: PGlite has no pool, so it exports none (README, Metrics).
const POSTGRES_ONLY = new Set(['unlatch_db_pool_connections']);

/** The series a query reads, with the label names it filters on and groups by. */
function seriesOf(expr: string): { metric: string; labels: string[] }[] {
  const grouped = [...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) =>
    (m[1] ?? '').split(',').map((label) => label.trim()),
  );
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)].map((m) => ({
    metric: m[1] ?? '',
    labels: [
      ...(m[2] ?? '').split(',').map((matcher) => matcher.split(/[=!~]/)[0]?.trim() ?? ''),
      ...grouped,
    ].filter((label) => label !== ''),
  }));
}

/** Label names seen on each series name in a Prometheus text scrape. */
function labelsBySeries(body: string): Map<string, Set<string>> {
  const seen = new Map<string, Set<string>>();
  for (const line of body.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? /.exec(line);
    if (!match) continue;
    const labels = seen.get(match[1] ?? '') ?? new Set<string>();
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) {
      labels.add(pair[1] ?? '');
    }
    seen.set(match[1] ?? '', labels);
  }
  return seen;
}

test('every panel of the Grafana dashboard queries metrics and labels the server exports', async () => {
  const h = await startHarness();
  try {
    // Enough traffic for every labelled series to have samples: a log-in (hashing), a token,
    // a request that succeeds and one that fails.
    const admin = await h.signedIn('Admin');
    const token = json<{ secret: string }>(await h.createPat({ cookie: admin.cookie })).secret;
    await h.request({ method: 'GET', url: '/api/admin/user', auth: { token } });
    await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: 'user:v2_nonsense' } });
    const scrape = await h.request({ method: 'GET', url: '/internal-backstage/prometheus' });
    assert.equal(scrape.statusCode, 200);
    const exported = labelsBySeries(scrape.body);

    const queries = dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
    );
    assert.ok(queries.length >= 10, 'the dashboard has its panels');
    let checked = 0;
    for (const { panel, expr } of queries) {
      const series = seriesOf(expr);
      assert.ok(series.length > 0, `${panel}: no series found in ${expr}`);
      for (const { metric, labels } of series) {
        if (POSTGRES_ONLY.has(metric) && dbKind === 'pglite') {
          assert.equal(exported.has(metric), false, `${metric} is PostgreSQL-only`);
          continue;
        }
        const known = exported.get(metric);
        assert.ok(known, `${panel}: ${metric} is not in the scrape`);
        for (const label of labels) {
          if (ADDED_BY_PROMETHEUS.has(label)) continue;
          assert.ok(known.has(label), `${panel}: ${metric} has no label ${label}`);
        }
        checked++;
      }
    }
    assert.ok(checked >= 10);

    // The instance picker lists instances by a metric every instance exports.
    for (const variable of dashboard.templating.list) {
      const metric = /label_values\(([a-zA-Z_:][a-zA-Z0-9_:]*),/.exec(variable.query.query)?.[1];
      assert.ok(metric !== undefined && exported.has(metric), variable.query.query);
    }
  } finally {
    await h.close();
  }
});
