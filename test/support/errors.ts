// The error a call fails with, for a test that then checks its name and message one by one.

/** The error `promise` rejects with; fails the test when it resolves, or rejects with something else. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return asError(error);
  }
  throw new Error('Expected a rejection, but the promise resolved.');
}

/** The error `act` throws; fails the test when it returns. */
export function thrownBy(act: () => unknown): Error {
  try {
    act();
  } catch (error) {
    return asError(error);
  }
  throw new Error('Expected an error, but nothing was thrown.');
}

function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  throw new Error(`Expected an Error, got ${String(error)}`);
}
