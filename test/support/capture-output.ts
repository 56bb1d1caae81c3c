/**
 * Runs `run` while everything written to stdout and stderr is appended to `into` instead of printed.
 * Powertools writes INFO lines and metrics to stdout, WARN and ERROR lines to stderr: both are needed to
 * check that no secret is ever printed. Not for overlapping calls: capture around a whole batch instead.
 */
export async function captureOutput<T>(into: string[], run: () => Promise<T>): Promise<T> {
  const streams = [process.stdout, process.stderr] as const;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept only to be put back as it was, never called here
  const originals = streams.map((stream) => [stream, stream.write] as const);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
  }
  try {
    return await run();
  } finally {
    for (const [stream, write] of originals) stream.write = write;
  }
}

/** captureOutput into a fresh list: the value `run` resolved to, and everything it printed. */
export async function capturingOutput<T>(run: () => Promise<T>): Promise<{ value: T; output: string[] }> {
  const output: string[] = [];
  return { value: await captureOutput(output, run), output };
}
