// npm run check:structure — the architecture's two rules, checked from the source:
//   1. the parts of src/ (entry files, core, db, http, features/<name>, cli) import each
//      other without cycles;
//   2. every table is written (INSERT, UPDATE, DELETE) from one file only (migrations aside).
// Prints the import graph between parts, every cycle, and each table's writers. Exits 1 when
// a rule is broken, so CI can run it as a guard.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'migrations' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** features/pats/x.ts -> features/pats; http/x.ts -> http; config.ts -> config; app.ts -> entry. */
function partOf(file: string): string {
  const [first, second] = relative(SRC, file).split('/');
  if (second === undefined) return first === 'config.ts' ? 'config' : 'entry';
  return first === 'features' ? `features/${second}` : (first ?? 'entry');
}

const files = sourceFiles(SRC);
const edges = new Map<string, Set<string>>();
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm;
for (const file of files) {
  const from = partOf(file);
  for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const target = resolve(file, '..', (match[1] ?? '').replace(/\.js$/, '.ts'));
    const to = partOf(target);
    if (to === from) continue;
    let set = edges.get(from);
    if (!set) edges.set(from, (set = new Set()));
    set.add(to);
  }
}

/** Groups of parts that reach each other (Tarjan's strongly connected components). */
function cycles(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const nodes = new Set([...edges.keys(), ...[...edges.values()].flatMap((set) => [...set])]);
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return groups;
}

// SQL here is written with upper-case keywords; comments are prose in lower case.
const WRITE =
  /\b(?:INSERT\s+INTO\s+([a-z_]+)|UPDATE\s+([a-z_]+)(?:\s+[a-z]+)?\s+SET|DELETE\s+FROM\s+([a-z_]+))/g;
const writers = new Map<string, Set<string>>();
for (const file of files) {
  for (const match of readFileSync(file, 'utf8').matchAll(WRITE)) {
    const table = match[1] ?? match[2] ?? match[3] ?? '';
    let set = writers.get(table);
    if (!set) writers.set(table, (set = new Set()));
    set.add(relative(ROOT, file));
  }
}

const out = (line = '') => process.stdout.write(`${line}\n`);
out('Imports between the parts of src/:');
for (const [from, tos] of [...edges].sort()) out(`  ${from} -> ${[...tos].sort().join(', ')}`);
const found = cycles();
out();
out(
  found.length === 0
    ? 'No import cycles.'
    : `Import cycles: ${found.length} group(s) of parts that import each other:`,
);
for (const group of found) {
  out(`  { ${group.join(', ')} }`);
  for (const from of group) {
    const inside = [...(edges.get(from) ?? [])].filter((to) => group.includes(to)).sort();
    out(`      ${from} -> ${inside.join(', ')}`);
  }
}
out();
out('Writers of each table:');
let shared = 0;
for (const [table, files] of [...writers].sort()) {
  const mark = files.size > 1 ? '  <- more than one writer' : '';
  if (files.size > 1) shared++;
  out(`  ${table}: ${[...files].sort().join(', ')}${mark}`);
}
process.exit(found.length === 0 && shared === 0 ? 0 : 1);
