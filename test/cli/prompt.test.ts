// A yes/no question: asked on the output given, answered on the input given; only yes is yes.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askYesNo } from '../../cli/prompt.js';

async function answerTo(typed: string[]) {
  let shown = '';
  const yes = await askYesNo('Go? [y/N] ', { input: Readable.from(typed), output: { write: (text: string) => (shown += text) } });
  return { yes, shown };
}

describe('askYesNo', () => {
  it.each([['y\n'], ['Y\n'], ['yes\n'], [' YES \n']])('%j is yes', async (typed) => {
    expect(await answerTo([typed])).toEqual({ yes: true, shown: 'Go? [y/N] ' });
  });

  it.each([['\n'], ['n\n'], ['no\n'], ['yep\n'], ['']])('%j (Enter, no, anything else, end of input) is no', async (typed) => {
    expect((await answerTo([typed])).yes).toBe(false);
  });

  it('waits for the line the person types, and reads only that one', async () => {
    const input = new PassThrough();
    const answer = askYesNo('Go? ', { input, output: { write: () => true } });
    input.write('y');
    input.write('\nsomething after\n');

    expect(await answer).toBe(true);
  });
});
