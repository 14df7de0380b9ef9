// Two server processes on one fresh PostgreSQL database, and the propagation measurement
// between them. PGlite cannot do this: its data directory belongs to one process.

import { type Child, SERVER_ENV, startServer } from './children.js';
import { createBenchDatabase } from './database.js';
import { measurePropagation, type PropagationResult } from './propagation.js';
import { insertRealTokens, insertUsers } from './seed.js';

const PROPAGATION_TIMEOUT_MS = 5000;

export async function runMultiInstance(
  databaseUrl: string,
  tokenCount: number,
): Promise<PropagationResult> {
  const database = await createBenchDatabase(databaseUrl);
  const children: Child[] = [];
  try {
    const db = await database.open();
    let control: string;
    let tokens: { id: number; secret: string }[];
    try {
      const [owner] = await insertUsers(db, 'propagation-owner-', 1, 'Editor');
      if (!owner) throw new Error('the owner was not inserted');
      const seeded = await insertRealTokens(
        db,
        Array.from({ length: tokenCount + 1 }, (_, i) => ({
          userId: owner.id,
          description: i === 0 ? 'control' : `propagation ${i}`,
        })),
      );
      control = (seeded[0] as { secret: string }).secret;
      tokens = seeded.slice(1);
    } finally {
      await db.close();
    }
    const env = { ...database.serverEnv, ...SERVER_ENV };
    children.push(await startServer('A', env));
    children.push(await startServer('B', env));
    const [a, b] = children as [Child, Child];
    return await measurePropagation({
      aUrl: a.url,
      bUrl: b.url,
      controlToken: control,
      tokens,
      timeoutMs: PROPAGATION_TIMEOUT_MS,
    });
  } finally {
    for (const child of children) await child.stop();
    await database.dispose();
  }
}

/** Non-empty when the result breaks the design's promises. */
export function propagationProblems(result: PropagationResult): string[] {
  const problems: string[] = [];
  if (result.aStillValid > 0) {
    problems.push(
      `${result.aStillValid} deleted token(s) still worked on A right after the delete`,
    );
  }
  if (result.neverRevokedOnB > 0) {
    problems.push(
      `${result.neverRevokedOnB} deleted token(s) still worked on B after ${PROPAGATION_TIMEOUT_MS} ms`,
    );
  }
  return problems;
}
