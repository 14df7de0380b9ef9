// Ctrl-C during a run must not leave a server process or a bench database behind: finally
// blocks do not run when a signal ends the process, so what needs undoing registers here.

type Cleanup = () => Promise<void>;
const pending = new Set<Cleanup>();
let installed = false;

async function runAll(signal: NodeJS.Signals): Promise<never> {
  process.stderr.write(`\n${signal}: stopping servers and dropping the bench database...\n`);
  // Newest first: servers stop before the database they use is dropped.
  for (const cleanup of [...pending].reverse()) await cleanup().catch(() => {});
  process.exit(130);
}

/** Registers work to undo on SIGINT/SIGTERM; call the returned function once it is done. */
export function onInterrupt(cleanup: Cleanup): () => void {
  if (!installed) {
    installed = true;
    process.once('SIGINT', () => void runAll('SIGINT'));
    process.once('SIGTERM', () => void runAll('SIGTERM'));
  }
  pending.add(cleanup);
  return () => pending.delete(cleanup);
}
