// What Secrets Manager does after RotateSecret has labelled a new version AWSPENDING: it invokes the secret's
// rotation function once per step, in order, with the version's id as ClientRequestToken, and stops at the
// first step that fails (the AWSPENDING version stays, and the rotation counts as failed). When finishSecret
// succeeds, the secret was rotated: LastRotatedDate is now, and NextRotationDate follows from its rules.
import { NATIVE_STEPS, type NativeStep } from '../../lambda/contract/report.js';
import { nextRotation, type StoredSecret } from './secrets-manager-operations.js';

/** The event Secrets Manager invokes a rotation function with. */
export interface RotationStepEvent {
  readonly Step: NativeStep;
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly RotationToken: string;
}

/** Invokes the rotation function `functionArn` (the secret's RotationLambdaARN); rejects when the invocation fails. */
export type RotationFunctionInvoker = (functionArn: string, event: RotationStepEvent) => Promise<unknown>;

/** One rotation the stand-in ran: each step it invoked, with 'ok' or the error's name, and how it ended. */
export interface RotationRun {
  readonly secretArn: string;
  readonly token: string;
  readonly steps: { readonly step: NativeStep; readonly outcome: string }[];
  readonly outcome: 'succeeded' | 'failed';
}

/** Runs the four steps against `secret`'s rotation function, and records a success on the secret. */
export async function runRotation(
  secret: StoredSecret,
  token: string,
  invoke: RotationFunctionInvoker,
  now: () => Date = () => new Date(),
): Promise<RotationRun> {
  const steps: RotationRun['steps'][number][] = [];
  const functionArn = secret.rotationLambdaArn ?? '';
  for (const step of NATIVE_STEPS) {
    try {
      await invoke(functionArn, { Step: step, SecretId: secret.arn, ClientRequestToken: token, RotationToken: token });
      steps.push({ step, outcome: 'ok' });
    } catch (error) {
      steps.push({ step, outcome: error instanceof Error ? error.name : 'Error' });
      return { secretArn: secret.arn, token, steps, outcome: 'failed' };
    }
  }
  secret.lastRotatedAt = now();
  secret.nextRotationAt = nextRotation(secret, secret.lastRotatedAt);
  return { secretArn: secret.arn, token, steps, outcome: 'succeeded' };
}

/** The rotations a stand-in starts, each run in the background as Secrets Manager runs them, and a way to wait for them. */
export interface Rotations {
  readonly runs: readonly RotationRun[];
  /** Runs the rotation RotateSecret started, when the stand-in has a rotation function. */
  start(secret: StoredSecret, token: string): void;
  settled(): Promise<void>;
}

export function trackRotations(invoke: RotationFunctionInvoker | undefined): Rotations {
  const runs: RotationRun[] = [];
  const running: Promise<void>[] = [];
  return {
    runs,
    start(secret, token) {
      if (invoke) running.push(runRotation(secret, token, invoke).then((run) => void runs.push(run)));
    },
    async settled() {
      await Promise.all(running);
    },
  };
}
