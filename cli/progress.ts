// A progress line on stderr: redrawn in place on a terminal, one plain line per update anywhere else
// (a log file or CI keeps every line readable, without carriage returns).

/** The part of a stream progress needs; process.stderr is one. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface Progress {
  update(line: string): void;
  /** Ends the redrawn line, so what follows starts on a line of its own. */
  finish(): void;
}

const CLEAR_TO_END_OF_LINE = '\u001b[K';

export function progressOn(stream: ProgressStream): Progress {
  if (stream.isTTY !== true) {
    return { update: (line) => void stream.write(`${line}\n`), finish: () => undefined };
  }
  let drawn = false;
  return {
    update(line) {
      stream.write(`\r${line}${CLEAR_TO_END_OF_LINE}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
