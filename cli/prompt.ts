// A yes/no question to the person at the terminal. The terminal's own line editing shows what they type;
// Ctrl-C ends the command as anywhere else.
import { createInterface } from 'node:readline';

export interface PromptStreams {
  /** Where the answer is read: the terminal's stdin. */
  readonly input: NodeJS.ReadableStream;
  /** Where the question goes: stderr, so that stdout holds only the report. */
  readonly output: { write(text: string): unknown };
}

/** Only "y" or "yes" (any case) is yes; Enter alone, anything else, or the end of input (Ctrl-D) is no. */
export async function askYesNo(question: string, { input, output }: PromptStreams): Promise<boolean> {
  const lines = createInterface({ input, terminal: false });
  try {
    const answer = await new Promise<string>((resolve) => {
      lines.once('line', resolve);
      lines.once('close', () => {
        resolve('');
      });
      output.write(question);
    });
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    lines.close();
  }
}
