// How the command answers: words for people by default, one JSON document with --json for
// scripts. Exit codes: 0 done, 1 failed, 2 the command line itself was wrong.

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** The command line is wrong (exit 2), as opposed to the operation failing (exit 1). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Output {
  readonly json: boolean;
  /** The command's result: `human()` for people, `data` for --json. */
  result(data: unknown, human: () => string): void;
}

export function createOutput(json: boolean, write = (text: string) => process.stdout.write(text)) {
  return {
    json,
    result(data: unknown, human: () => string) {
      write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
    },
  } satisfies Output;
}

/** A fixed-width table: columns as wide as their widest cell, `-` for nothing. */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((row) =>
    row.map((cell) => (cell === null || cell === undefined || cell === '' ? '-' : String(cell))),
  );
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((row) => row[i]?.length ?? 0)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

export function day(date: Date | null): string | null {
  return date === null ? null : date.toISOString().replace('T', ' ').slice(0, 16);
}
