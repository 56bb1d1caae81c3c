// The fault matrix, as data: one row per scenario (a fault of Prolific or of Secrets Manager, a run cut
// off by a Lambda timeout, or a configuration mistake), what the run must do, and what the run after the
// fault must do. The vitest suite (fault-matrix.test.ts) and the report (report.ts) both play every row
// with runScenario (play-scenario.ts), so the report shows exactly what the tests check.
import { API_TOKEN_PLACEHOLDER } from '../../../lambda/contract/secret-formats.js';
import type { NativeStep, Outcome, RotationStep, TargetResult } from '../../../lambda/contract/report.js';
import type { ProlificFaultRule } from '../../../local/standins/prolific.js';
import type { SecretsManagerFault } from '../../../local/standins/secrets-manager.js';
import { TEST_WORKSPACES } from '../../support/harness.js';
import type { CutOffPointName } from './cut-off.js';

/** Every scenario rotates this one workspace. */
export const WORKSPACE = TEST_WORKSPACES[0];

export type ScenarioGroup = 'Prolific' | 'Secrets Manager' | 'cut-off' | 'configuration';

/** Where the target stands when the scenario's run starts. */
export type StartingState =
  /** A sync run stored Prolific's active secret. */
  | 'in sync'
  /** In sync, then someone replaced the secret in the Prolific app. */
  | 'drifted'
  /** An earlier run stored AWSPENDING and never promoted it, and Prolific has replaced that secret since. */
  | 'stale pending'
  /** In sync, then someone took AWSCURRENT off its version by hand: no version carries it. */
  | 'no AWSCURRENT'
  /**
   * Drifted, and Prolific's active secret is stored already, unlabelled, under its derived version id,
   * with `rotated_at` EARLIER_ROTATED_AT (an earlier run wrote it, then lost its AWSPENDING).
   */
  | 'active secret stored earlier'
  /**
   * Adopted in the `plain` format and synced (the bare value stored under the derived version id), then
   * opened to JSON as SecretFormatError advises: `{}` put as AWSCURRENT, the workspace configured `json`.
   */
  | 'plain, then opened to JSON'
  /** In sync, then Secrets Manager's RotateSecret labelled a new, empty version NATIVE_TOKEN AWSPENDING. */
  | 'native rotation started';

/** The version id of Secrets Manager's own rotation in the rows that play one of its steps. */
export const NATIVE_TOKEN = '5e1f0c2a-7b3d-4e9f-8a61-0c2d4e6f8a0b';

/** The `rotated_at` of the version that the starting state 'active secret stored earlier' writes. */
export const EARLIER_ROTATED_AT = '2020-01-01T00:00:00.000Z';

/** A Secrets Manager fault on the token secret or on the target secret (default: any secret). */
export interface StoreFault extends Omit<SecretsManagerFault, 'secretId'> {
  readonly on?: 'token' | 'target';
}

/** What the scenario's run must do. `replaced`: how many times Prolific replaced the secret during it. */
export type ExpectedRun = ExpectedDetails &
  (
    /** The invocation succeeds and the target ends with this outcome. */
    | { readonly outcome: Exclude<Outcome, 'failed'>; readonly replaced: number }
    /** The target fails: the invocation ends in RotationFailedError naming this error, at this step. */
    | {
        readonly outcome: 'failed';
        readonly error: string;
        readonly step: RotationStep;
        readonly message: RegExp;
        readonly replaced: number;
      }
    /** The invocation is refused with this error before anything is read or written (no call to either service). */
    | { readonly outcome: 'rejected'; readonly error: 'ConfigurationError' | 'InvalidEventError'; readonly message: RegExp }
    /** A Lambda timeout stops the run (see `cutOff`). */
    | { readonly outcome: 'cut off'; readonly replaced: number }
  );

/** What else a row may require of its run, beyond its outcome. */
export interface ExpectedDetails {
  /** Fields of the target's line of the report (a run that succeeded). */
  readonly result?: Partial<Pick<TargetResult, 'currentMissing' | 'drift' | 'lastRotatedAt'>>;
  /** Metrics the run must emit. */
  readonly metrics?: readonly string[];
  /** Whether AWSPENDING sits on a version other than AWSCURRENT once the run is over. */
  readonly pendingLeft?: boolean;
}

/**
 * The run after the fault is gone (faults cleared, configuration and token fixed). `runs` is how many runs
 * it takes until invariant 1 holds again: 0 when the faulty run left it holding, at most 1 (invariant 2).
 */
export interface Recovery {
  readonly runs: 0 | 1;
  /** What a person does first, as the run's error asks, when no run alone can repair what the fault left. */
  readonly personFirst?: 'replaces the secret in the Prolific app';
  readonly event: unknown;
  readonly outcome: Exclude<Outcome, 'failed'>;
}

export interface Scenario {
  readonly name: string;
  readonly group: ScenarioGroup;
  /** @default 'in sync' */
  readonly startingState?: StartingState;
  readonly prolificFaults?: readonly ProlificFaultRule[];
  readonly storeFaults?: readonly StoreFault[];
  /** The run is cut off right after this step, as by a Lambda timeout, and abandoned. */
  readonly cutOff?: CutOffPointName;
  /** Environment variables as the run sees them (undefined removes one); fixed, with a cold start, for the recovery run. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** What the token secret holds during the run; the right token is put back before the recovery run. */
  readonly tokenSecretValue?: string;
  /** @default {"action": "rotate"}, the schedule's event */
  readonly event?: unknown;
  /** The run is this step of Secrets Manager's own rotation, for the target's ARN and NATIVE_TOKEN (instead of `event`). */
  readonly nativeStep?: NativeStep;
  readonly expected: ExpectedRun;
  readonly recovery: Recovery;
}

const ROTATE = { action: 'rotate' };
const SYNC = { action: 'sync' };
/** The faulty run left AWSCURRENT holding Prolific's active secret; the next scheduled run just rotates. */
const STILL_IN_SYNC: Recovery = { runs: 0, event: ROTATE, outcome: 'rotated' };
/** Prolific replaced the secret and nothing stored it; the next scheduled run heals it from the GET, then rotates. */
const HEALED_BY_NEXT_ROTATION: Recovery = { runs: 1, event: ROTATE, outcome: 'rotated' };

const ALWAYS = Infinity;
const OTHER_WORKSPACE = 'ffffffffffffffffffffffff';
/** A secret Prolific never issued, as a 201 that did not come from Prolific would carry it. */
const NEVER_ACTIVE_SECRET = { id: 'never-active-secret', value: 'a-value-prolific-never-issued', workspace_id: WORKSPACE };
/** The rotation's first PutSecretValue is the write check; this lets it pass and faults the write after the POST. */
const AFTER_THE_WRITE_CHECK = 1;

const prolific: Scenario[] = [
  {
    name: '400 on the POST',
    group: 'Prolific',
    prolificFaults: [
      { method: 'POST', fault: { kind: 'status', status: 400, detail: { workspace_id: ['This field is required.'] } }, times: ALWAYS },
    ],
    expected: { outcome: 'failed', error: 'ProlificRequestError', step: 'rotate', replaced: 0,
      message: /HTTP 400 to POST .*workspace_id: This field is required\..*retrying the same request will not help/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: '401 on the GET',
    group: 'Prolific',
    prolificFaults: [{ method: 'GET', fault: { kind: 'status', status: 401, detail: 'Invalid token.' }, times: ALWAYS }],
    expected: { outcome: 'failed', error: 'ProlificAuthenticationError', step: 'reconcile', replaced: 0,
      message: /HTTP 401 to GET .*Invalid token\..*put a current Prolific API token/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: '403 on the POST',
    group: 'Prolific',
    prolificFaults: [
      { method: 'POST', fault: { kind: 'status', status: 403, shape: 'detail', detail: 'You do not have permission.' }, times: ALWAYS },
    ],
    expected: { outcome: 'failed', error: 'ProlificAuthenticationError', step: 'rotate', replaced: 0,
      message: /HTTP 403 to POST [^:]*: You do not have permission\. Prolific refused the API token for this workspace/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: '404 on the GET',
    group: 'Prolific',
    prolificFaults: [{ method: 'GET', fault: { kind: 'status', status: 404, shape: 'detail', detail: 'Not found.' }, times: ALWAYS }],
    expected: { outcome: 'failed', error: 'ProlificNotFoundError', step: 'reconcile', replaced: 0,
      message: /HTTP 404 to GET .*check ROTATION_TARGETS and the token/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: '405 on the POST',
    group: 'Prolific',
    prolificFaults: [{ method: 'POST', fault: { kind: 'status', status: 405, detail: 'Method "POST" not allowed.' }, times: ALWAYS }],
    expected: { outcome: 'failed', error: 'ProlificRequestError', step: 'rotate', replaced: 0, message: /HTTP 405 to POST .*Method "POST" not allowed\./ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: '422 on the POST',
    group: 'Prolific',
    prolificFaults: [
      { method: 'POST', fault: { kind: 'status', status: 422, detail: { workspace_id: ['Invalid workspace.'] } }, times: ALWAYS },
    ],
    expected: { outcome: 'failed', error: 'ProlificRequestError', step: 'rotate', replaced: 0, message: /HTTP 422 to POST .*workspace_id: Invalid workspace\./ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: '429 without Retry-After on every GET',
    group: 'Prolific',
    prolificFaults: [{ method: 'GET', fault: { kind: 'status', status: 429 }, times: ALWAYS }],
    expected: { outcome: 'failed', error: 'ProlificRateLimitError', step: 'reconcile', replaced: 0, message: /HTTP 429 to GET .*after 5 attempts.*rate limiting/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: '429 with Retry-After once on the POST, then success',
    group: 'Prolific',
    prolificFaults: [{ method: 'POST', fault: { kind: 'status', status: 429, retryAfter: 1 } }],
    expected: { outcome: 'rotated', replaced: 1 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: '429 with a Retry-After longer than the call budget',
    group: 'Prolific',
    prolificFaults: [{ method: 'GET', fault: { kind: 'status', status: 429, retryAfter: 60 } }],
    expected: { outcome: 'failed', error: 'ProlificRateLimitError', step: 'reconcile', replaced: 0,
      message: /after 1 attempt \(the next wait, 60 s, would pass the 2 s budget\)/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: '500 on every GET',
    group: 'Prolific',
    prolificFaults: [{ method: 'GET', fault: { kind: 'status', status: 500 }, times: ALWAYS }],
    expected: { outcome: 'failed', error: 'ProlificServerError', step: 'reconcile', replaced: 0, message: /HTTP 500 to GET .*after 5 attempts.*Prolific was not asked to replace the secret/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: '500 on the POST after Prolific acted',
    group: 'Prolific',
    prolificFaults: [{ method: 'POST', afterEffect: true, fault: { kind: 'status', status: 500 } }],
    expected: { outcome: 'rotated', replaced: 1 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: '502 on every POST, before Prolific acts',
    group: 'Prolific',
    prolificFaults: [{ method: 'POST', fault: { kind: 'status', status: 502 }, times: ALWAYS }],
    expected: { outcome: 'failed', error: 'ProlificServerError', step: 'rotate', replaced: 0, message: /HTTP 502 to POST .*after 5 attempts/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: '503 once on the GET, then success',
    group: 'Prolific',
    prolificFaults: [{ method: 'GET', fault: { kind: 'status', status: 503 } }],
    expected: { outcome: 'rotated', replaced: 1 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: '503 on the POST after Prolific acted, and the GET that would tell fails',
    group: 'Prolific',
    prolificFaults: [
      { method: 'POST', afterEffect: true, fault: { kind: 'status', status: 503 } },
      { method: 'GET', skip: 1, fault: { kind: 'status', status: 503 }, times: ALWAYS },
    ],
    expected: { outcome: 'failed', error: 'ProlificUnavailableError', step: 'rotate', replaced: 1,
      message: /Prolific may have replaced the workspace's secret .*HTTP 503.*run \{"action": "sync"\}/ },
    recovery: { runs: 1, event: SYNC, outcome: 'healed' },
  },
  {
    name: '500 on the confirming GET after the new secret was made AWSCURRENT',
    group: 'Prolific',
    // GETs: reconcile, the confirmation before the promotion, then this one after it.
    prolificFaults: [{ method: 'GET', skip: 2, fault: { kind: 'status', status: 500 }, times: ALWAYS }],
    expected: { outcome: 'failed', error: 'ProlificServerError', step: 'confirm', replaced: 1, message: /HTTP 500 to GET .*run \{"action": "sync"\} now/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: '500 on the confirming GET after the new secret was stored as AWSPENDING, before its promotion',
    group: 'Prolific',
    prolificFaults: [{ method: 'GET', skip: 1, fault: { kind: 'status', status: 500 }, times: ALWAYS }],
    expected: { outcome: 'failed', error: 'ProlificServerError', step: 'confirm', replaced: 1, pendingLeft: true,
      message: /HTTP 500 to GET .*run \{"action": "sync"\} now/ },
    recovery: { runs: 1, event: ROTATE, outcome: 'resumed' },
  },
  {
    name: 'a hang past the timeout on every GET',
    group: 'Prolific',
    prolificFaults: [{ method: 'GET', fault: { kind: 'hang' }, times: ALWAYS }],
    expected: { outcome: 'failed', error: 'ProlificUnavailableError', step: 'reconcile', replaced: 0,
      message: /No answer from Prolific .* to GET .*no answer within 300 ms/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'the POST hangs after Prolific acted',
    group: 'Prolific',
    prolificFaults: [{ method: 'POST', afterEffect: true, fault: { kind: 'hang' } }],
    expected: { outcome: 'rotated', replaced: 1 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'the POST hangs before Prolific acts, then success',
    group: 'Prolific',
    prolificFaults: [{ method: 'POST', fault: { kind: 'hang' } }],
    expected: { outcome: 'rotated', replaced: 1 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'a connection reset on every GET',
    group: 'Prolific',
    prolificFaults: [{ method: 'GET', fault: { kind: 'reset' }, times: ALWAYS }],
    expected: { outcome: 'failed', error: 'ProlificUnavailableError', step: 'reconcile', replaced: 0, message: /No answer from Prolific .*connection failed/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'a connection reset on the POST after Prolific acted',
    group: 'Prolific',
    prolificFaults: [{ method: 'POST', afterEffect: true, fault: { kind: 'reset' } }],
    expected: { outcome: 'rotated', replaced: 1 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'malformed JSON from the GET',
    group: 'Prolific',
    prolificFaults: [{ method: 'GET', fault: { kind: 'body', body: '{"results": [' } }],
    expected: { outcome: 'failed', error: 'ProlificMalformedResponseError', step: 'reconcile', replaced: 0, message: /the body is not JSON/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'malformed JSON in the 201 of a POST that acted',
    group: 'Prolific',
    prolificFaults: [{ method: 'POST', afterEffect: true, fault: { kind: 'body', status: 201, body: '{"id": "' } }],
    expected: { outcome: 'rotated', replaced: 1 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'malformed JSON in the 201 of a POST that acted, and the GET that would tell fails',
    group: 'Prolific',
    prolificFaults: [
      { method: 'POST', afterEffect: true, fault: { kind: 'body', status: 201, body: '{"id": "' } },
      { method: 'GET', skip: 1, fault: { kind: 'status', status: 500 }, times: ALWAYS },
    ],
    expected: { outcome: 'failed', error: 'ProlificUnavailableError', step: 'rotate', replaced: 1,
      message: /Prolific may have replaced the workspace's secret .*HTTP 201 with an unusable body/ },
    recovery: { runs: 1, event: SYNC, outcome: 'healed' },
  },
  {
    name: 'the GET lists two active secrets',
    group: 'Prolific',
    prolificFaults: [{ method: 'GET', fault: { kind: 'body', body: JSON.stringify({ results: [
      { id: 'a1', value: 'first-value', workspace_id: WORKSPACE },
      { id: 'b2', value: 'second-value', workspace_id: WORKSPACE },
    ] }) } }],
    expected: { outcome: 'failed', error: 'ProlificMalformedResponseError', step: 'reconcile', replaced: 0, message: /it lists 2 active secrets, not one/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'a GET body cut short',
    group: 'Prolific',
    prolificFaults: [{ method: 'GET', fault: { kind: 'partial' }, times: ALWAYS }],
    expected: { outcome: 'failed', error: 'ProlificUnavailableError', step: 'reconcile', replaced: 0, message: /the answer \(HTTP 200\) was cut short/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'a POST answer cut short after Prolific acted',
    group: 'Prolific',
    prolificFaults: [{ method: 'POST', afterEffect: true, fault: { kind: 'partial' } }],
    expected: { outcome: 'rotated', replaced: 1 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'a null value in the GET',
    group: 'Prolific',
    prolificFaults: [{ method: 'GET', fault: { kind: 'override', fields: { value: null } } }],
    expected: { outcome: 'failed', error: 'ProlificMalformedResponseError', step: 'reconcile', replaced: 0, message: /no non-empty string "value"/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'an empty value in the 201 of a POST that acted',
    group: 'Prolific',
    prolificFaults: [{ method: 'POST', afterEffect: true, fault: { kind: 'override', fields: { value: '' } } }],
    expected: { outcome: 'rotated', replaced: 1 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: "the GET answers with another workspace's secret",
    group: 'Prolific',
    prolificFaults: [{ method: 'GET', fault: { kind: 'override', fields: { workspace_id: OTHER_WORKSPACE } } }],
    expected: { outcome: 'failed', error: 'ProlificMalformedResponseError', step: 'reconcile', replaced: 0,
      message: new RegExp(`belongs to workspace ${OTHER_WORKSPACE}`) },
    recovery: STILL_IN_SYNC,
  },
  {
    name: "the POST that acted answers with another workspace's secret",
    group: 'Prolific',
    prolificFaults: [{ method: 'POST', afterEffect: true, fault: { kind: 'override', fields: { workspace_id: OTHER_WORKSPACE } } }],
    expected: { outcome: 'rotated', replaced: 1 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'a 2xx HTML page for the GET',
    group: 'Prolific',
    prolificFaults: [{ method: 'GET', fault: { kind: 'body', body: '<html><body>Maintenance</body></html>', contentType: 'text/html' } }],
    expected: { outcome: 'failed', error: 'ProlificMalformedResponseError', step: 'reconcile', replaced: 0, message: /the body is not JSON/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'a 2xx HTML page for the POST from a proxy, Prolific never reached',
    group: 'Prolific',
    prolificFaults: [{ method: 'POST', fault: { kind: 'body', body: '<html><body>Welcome</body></html>', contentType: 'text/html' } }],
    expected: { outcome: 'failed', error: 'ProlificMalformedResponseError', step: 'rotate', replaced: 0,
      message: /POST .*the body is not JSON.*Prolific's secret was not replaced, unless the error says it may have been/ },
    recovery: STILL_IN_SYNC,
  },
  {
    // Answered in Prolific's place: Prolific never acts, so it keeps listing the secret the POST was meant
    // to replace. The answer is written as AWSPENDING, the GET does not confirm it, and its label goes.
    name: 'the POST answers 201 with a secret Prolific never lists as active',
    group: 'Prolific',
    prolificFaults: [{ method: 'POST', fault: { kind: 'body', status: 201, body: JSON.stringify(NEVER_ACTIVE_SECRET) } }],
    expected: { outcome: 'failed', error: 'RotationUnconfirmedError', step: 'rotate', replaced: 0, pendingLeft: false,
      message: /answered the POST with secret never-active-secret, but still lists \w+ as its active secret, so nothing was rotated; the answer was not made AWSCURRENT/ },
    recovery: STILL_IN_SYNC,
  },
];

const secretsManager: Scenario[] = [
  {
    name: 'ThrottlingException once on the write check',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'PutSecretValue', error: 'ThrottlingException' }],
    expected: { outcome: 'rotated', replaced: 1 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'ThrottlingException once on PutSecretValue right after the POST',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'PutSecretValue', error: 'ThrottlingException', afterCalls: AFTER_THE_WRITE_CHECK }],
    expected: { outcome: 'rotated', replaced: 1 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'ThrottlingException on every DescribeSecret',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'DescribeSecret', error: 'ThrottlingException', times: ALWAYS }],
    expected: { outcome: 'failed', error: 'SecretStoreError', step: 'pre-flight', replaced: 0,
      message: /DescribeSecret .*ThrottlingException.*the next run retries/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'InternalServiceError (500) on every PutSecretValue: the write check fails, no POST',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'PutSecretValue', error: 'InternalServiceError', times: ALWAYS }],
    expected: { outcome: 'failed', error: 'SecretStoreError', step: 'write-check', replaced: 0,
      message: /PutSecretValue .*InternalServiceError.*Prolific was not asked to replace the secret/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'InternalServiceError (500) on PutSecretValue right after the POST (the write check passed)',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'PutSecretValue', error: 'InternalServiceError', afterCalls: AFTER_THE_WRITE_CHECK, times: ALWAYS }],
    expected: { outcome: 'failed', error: 'SecretStoreError', step: 'store', replaced: 1, message: /PutSecretValue .*InternalServiceError.*run \{"action": "sync"\} now/ },
    recovery: HEALED_BY_NEXT_ROTATION,
  },
  {
    name: 'PutSecretValue denied (IAM): the write check fails, no POST',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'PutSecretValue', error: 'AccessDeniedException', times: ALWAYS }],
    expected: { outcome: 'failed', error: 'SecretStoreError', step: 'write-check', replaced: 0,
      message: /PutSecretValue .*AccessDeniedException.*needs secretsmanager:PutSecretValue.*Prolific was not asked to replace the secret/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'AccessDeniedException on PutSecretValue right after the POST (the write check passed)',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'PutSecretValue', error: 'AccessDeniedException', afterCalls: AFTER_THE_WRITE_CHECK, times: ALWAYS }],
    expected: { outcome: 'failed', error: 'SecretStoreError', step: 'store', replaced: 1,
      message: /PutSecretValue .*AccessDeniedException.*needs secretsmanager:PutSecretValue.*run \{"action": "sync"\} now/ },
    recovery: { runs: 1, event: SYNC, outcome: 'healed' },
  },
  {
    // RotateSecret's AWSPENDING version stays empty: the next regular run must get past it.
    name: "in Secrets Manager's rotation, createSecret's write check denied, no POST; the next run rotates",
    group: 'Secrets Manager',
    startingState: 'native rotation started',
    nativeStep: 'createSecret',
    storeFaults: [{ operation: 'PutSecretValue', error: 'AccessDeniedException', times: ALWAYS }],
    expected: { outcome: 'failed', error: 'SecretStoreError', step: 'createSecret', replaced: 0,
      message: /PutSecretValue .*AccessDeniedException.*needs secretsmanager:PutSecretValue/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'AccessDeniedException on the promotion after the write',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'UpdateSecretVersionStage', error: 'AccessDeniedException', times: ALWAYS }],
    expected: { outcome: 'failed', error: 'SecretStoreError', step: 'confirm', replaced: 1, pendingLeft: true,
      message: /UpdateSecretVersionStage .*AccessDeniedException.*needs secretsmanager:UpdateSecretVersionStage/ },
    recovery: { runs: 1, event: ROTATE, outcome: 'resumed' },
  },
  {
    name: 'AccessDeniedException removing AWSPENDING after AWSCURRENT moved',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'UpdateSecretVersionStage', error: 'AccessDeniedException', afterCalls: 1, times: ALWAYS }],
    expected: { outcome: 'failed', error: 'SecretStoreError', step: 'confirm', replaced: 1, pendingLeft: false,
      message: /UpdateSecretVersionStage .*AccessDeniedException/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'AccessDeniedException on PutSecretValue while healing drift',
    group: 'Secrets Manager',
    startingState: 'drifted',
    event: SYNC,
    storeFaults: [{ operation: 'PutSecretValue', error: 'AccessDeniedException', times: ALWAYS }],
    expected: { outcome: 'failed', error: 'SecretStoreError', step: 'store', replaced: 0, message: /PutSecretValue .*AccessDeniedException/ },
    recovery: { runs: 1, event: SYNC, outcome: 'healed' },
  },
  {
    name: 'AccessDeniedException dropping a stale AWSPENDING',
    group: 'Secrets Manager',
    startingState: 'stale pending',
    storeFaults: [{ operation: 'UpdateSecretVersionStage', error: 'AccessDeniedException', times: ALWAYS }],
    expected: { outcome: 'failed', error: 'SecretStoreError', step: 'resume', replaced: 0,
      message: /UpdateSecretVersionStage .*AccessDeniedException/ },
    recovery: HEALED_BY_NEXT_ROTATION,
  },
  {
    name: 'ResourceNotFoundException: the target secret is gone',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'DescribeSecret', error: 'ResourceNotFoundException', times: ALWAYS }],
    expected: { outcome: 'failed', error: 'SecretStoreError', step: 'pre-flight', replaced: 0,
      message: /DescribeSecret .*ResourceNotFoundException.*Create the secret, or correct its ARN in ROTATION_TARGETS/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'AccessDeniedException reading the API token',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'GetSecretValue', on: 'token', error: 'AccessDeniedException', times: ALWAYS }],
    expected: { outcome: 'failed', error: 'ApiTokenError', step: 'pre-flight', replaced: 0,
      message: /Could not read the Prolific API token .*AccessDeniedException.*Prolific was not called/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'KMS: DecryptionFailure reading AWSCURRENT',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'GetSecretValue', on: 'target', error: 'DecryptionFailure', times: ALWAYS }],
    expected: { outcome: 'failed', error: 'SecretStoreError', step: 'pre-flight', replaced: 0,
      message: /GetSecretValue .*DecryptionFailure.*kms:Decrypt/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'KMS GenerateDataKey denied (EncryptionFailure on every PutSecretValue): the write check fails, no POST',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'PutSecretValue', error: 'EncryptionFailure', times: ALWAYS }],
    expected: { outcome: 'failed', error: 'SecretStoreError', step: 'write-check', replaced: 0,
      message: /PutSecretValue .*EncryptionFailure.*kms:GenerateDataKey.*Prolific was not asked to replace the secret/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'KMS: EncryptionFailure on PutSecretValue right after the POST (the write check passed)',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'PutSecretValue', error: 'EncryptionFailure', afterCalls: AFTER_THE_WRITE_CHECK, times: ALWAYS }],
    expected: { outcome: 'failed', error: 'SecretStoreError', step: 'store', replaced: 1, message: /PutSecretValue .*EncryptionFailure.*kms:GenerateDataKey/ },
    recovery: { runs: 1, event: SYNC, outcome: 'healed' },
  },
  {
    name: 'KMS: KMSAccessDeniedException reading the API token',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'GetSecretValue', on: 'token', error: 'KMSAccessDeniedException', times: ALWAYS }],
    expected: { outcome: 'failed', error: 'ApiTokenError', step: 'pre-flight', replaced: 0, message: /KMSAccessDeniedException/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'InternalServiceError once on the promotion',
    group: 'Secrets Manager',
    storeFaults: [{ operation: 'UpdateSecretVersionStage', error: 'InternalServiceError' }],
    expected: { outcome: 'rotated', replaced: 1 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'no version labelled AWSCURRENT: status reports it',
    group: 'Secrets Manager',
    startingState: 'no AWSCURRENT',
    event: { action: 'status' },
    expected: {
      outcome: 'would-heal',
      replaced: 0,
      result: { currentMissing: true, drift: true, lastRotatedAt: null },
      metrics: ['CurrentVersionMissing'],
    },
    recovery: { runs: 1, event: SYNC, outcome: 'healed' },
  },
  {
    name: 'no version labelled AWSCURRENT: sync repairs it',
    group: 'Secrets Manager',
    startingState: 'no AWSCURRENT',
    event: SYNC,
    expected: { outcome: 'healed', replaced: 0, result: { currentMissing: true }, metrics: ['CurrentVersionMissing'] },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'no version labelled AWSCURRENT: rotate repairs it, then rotates',
    group: 'Secrets Manager',
    startingState: 'no AWSCURRENT',
    expected: { outcome: 'rotated', replaced: 1, result: { currentMissing: true }, metrics: ['CurrentVersionMissing'] },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'the derived version id already holds the same secret with another rotated_at: it is made current as it is',
    group: 'Secrets Manager',
    startingState: 'active secret stored earlier',
    event: SYNC,
    expected: { outcome: 'healed', replaced: 0, result: { lastRotatedAt: EARLIER_ROTATED_AT } },
    recovery: STILL_IN_SYNC,
  },
  {
    // Found by this matrix: the plain format stored the bare value under the id JSON would use, so opening the
    // secret to JSON failed at store for good. The plain format now derives version ids of its own.
    name: 'a workspace moved from the plain format to JSON is healed into JSON (the formats never share a version id)',
    group: 'Secrets Manager',
    startingState: 'plain, then opened to JSON',
    event: SYNC,
    expected: { outcome: 'healed', replaced: 0, pendingLeft: false },
    recovery: STILL_IN_SYNC,
  },
];

const cutOffs: Scenario[] = [
  {
    name: 'cut off after pre-flight',
    group: 'cut-off',
    cutOff: 'afterPreFlight',
    expected: { outcome: 'cut off', replaced: 0 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'cut off after the reconcile GET, before the write check',
    group: 'cut-off',
    cutOff: 'afterReconcileGet',
    expected: { outcome: 'cut off', replaced: 0 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'cut off after the write check, before the POST',
    group: 'cut-off',
    cutOff: 'afterWriteCheck',
    expected: { outcome: 'cut off', replaced: 0, pendingLeft: false },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'cut off after the POST; the next scheduled run recovers',
    group: 'cut-off',
    cutOff: 'afterPost',
    expected: { outcome: 'cut off', replaced: 1 },
    recovery: HEALED_BY_NEXT_ROTATION,
  },
  {
    name: 'cut off after the POST; a sync recovers',
    group: 'cut-off',
    cutOff: 'afterPost',
    expected: { outcome: 'cut off', replaced: 1 },
    recovery: { runs: 1, event: SYNC, outcome: 'healed' },
  },
  {
    name: 'cut off after PutSecretValue, before the confirming GET',
    group: 'cut-off',
    cutOff: 'afterPutSecretValue',
    expected: { outcome: 'cut off', replaced: 1, pendingLeft: true },
    recovery: { runs: 1, event: ROTATE, outcome: 'resumed' },
  },
  {
    name: 'cut off after the confirming GET, before the promotion',
    group: 'cut-off',
    cutOff: 'afterConfirmingGet',
    expected: { outcome: 'cut off', replaced: 1, pendingLeft: true },
    recovery: { runs: 1, event: ROTATE, outcome: 'resumed' },
  },
  {
    name: 'cut off between moving AWSCURRENT and removing AWSPENDING',
    group: 'cut-off',
    cutOff: 'afterCurrentMoved',
    expected: { outcome: 'cut off', replaced: 1 },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'cut off after the promotion, before the GET that confirms again',
    group: 'cut-off',
    cutOff: 'afterPromotion',
    expected: { outcome: 'cut off', replaced: 1 },
    recovery: STILL_IN_SYNC,
  },
  {
    // Prolific replaced its secret and nothing holds it; RotateSecret's AWSPENDING version stays empty.
    name: "cut off in Secrets Manager's createSecret after the POST; the next scheduled run recovers",
    group: 'cut-off',
    startingState: 'native rotation started',
    nativeStep: 'createSecret',
    cutOff: 'afterPost',
    expected: { outcome: 'cut off', replaced: 1 },
    recovery: HEALED_BY_NEXT_ROTATION,
  },
  {
    name: "cut off after a heal's PutSecretValue",
    group: 'cut-off',
    startingState: 'drifted',
    event: SYNC,
    cutOff: 'afterPutSecretValue',
    expected: { outcome: 'cut off', replaced: 0 },
    recovery: { runs: 1, event: SYNC, outcome: 'resumed' },
  },
];

const configuration: Scenario[] = [
  {
    name: 'the token secret is empty',
    group: 'configuration',
    tokenSecretValue: '   ',
    expected: { outcome: 'failed', error: 'ApiTokenError', step: 'pre-flight', replaced: 0,
      message: /holds no Prolific API token yet.*put-secret-value.*Prolific was not called/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: "the token secret holds the construct's placeholder",
    group: 'configuration',
    tokenSecretValue: API_TOKEN_PLACEHOLDER,
    expected: { outcome: 'failed', error: 'ApiTokenError', step: 'pre-flight', replaced: 0, message: /holds no Prolific API token yet/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'the token secret holds a token Prolific refuses',
    group: 'configuration',
    tokenSecretValue: 'revoked-0123456789abcdef0123456789abcdef',
    expected: { outcome: 'failed', error: 'ProlificAuthenticationError', step: 'reconcile', replaced: 0,
      message: /HTTP 401 to GET .*put a current Prolific API token in the token secret/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'the token secret holds JSON instead of the bare token',
    group: 'configuration',
    tokenSecretValue: '{"token": "0123456789abcdef0123456789abcdef"}',
    expected: { outcome: 'failed', error: 'ApiTokenError', step: 'pre-flight', replaced: 0, message: /does not hold a bare Prolific API token/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'an unknown workspace in the event',
    group: 'configuration',
    event: { action: 'sync', workspaceId: OTHER_WORKSPACE },
    expected: { outcome: 'rejected', error: 'InvalidEventError',
      message: new RegExp(`Field "workspaceId" names ${OTHER_WORKSPACE}, which is not configured; configured: ${WORKSPACE}`) },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'a createSecret that RotateSecret never started changes nothing',
    group: 'configuration',
    nativeStep: 'createSecret',
    expected: { outcome: 'failed', error: 'ConfigurationError', step: 'createSecret', replaced: 0, pendingLeft: false,
      message: /does not have Secrets Manager rotation enabled, so this createSecret event did not come from its rotation\. Nothing was changed/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'ROTATION_TARGETS is not JSON',
    group: 'configuration',
    env: { ROTATION_TARGETS: `[{"workspaceId": "${WORKSPACE}",` },
    expected: { outcome: 'rejected', error: 'ConfigurationError', message: /Environment variable ROTATION_TARGETS is not valid JSON; expected a JSON array like/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'ROTATION_TARGETS is an empty list',
    group: 'configuration',
    env: { ROTATION_TARGETS: '[]' },
    expected: { outcome: 'rejected', error: 'ConfigurationError', message: /Environment variable ROTATION_TARGETS must be .*with at least one entry/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'ROTATION_TARGETS entry without a secretId',
    group: 'configuration',
    env: { ROTATION_TARGETS: JSON.stringify([{ workspaceId: WORKSPACE }]) },
    expected: { outcome: 'rejected', error: 'ConfigurationError', message: /Environment variable ROTATION_TARGETS\[0\]\.secretId must be the ARN or name/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'ROTATION_TARGETS lists a workspace twice',
    group: 'configuration',
    env: { ROTATION_TARGETS: JSON.stringify([{ workspaceId: WORKSPACE, secretId: 'a' }, { workspaceId: WORKSPACE, secretId: 'b' }]) },
    expected: { outcome: 'rejected', error: 'ConfigurationError', message: new RegExp(`lists workspaceId ${WORKSPACE} more than once`) },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'ROTATION_TARGETS names the token secret as a target',
    group: 'configuration',
    env: {
      PROLIFIC_TOKEN_SECRET_ID: 'prolific/api-token',
      ROTATION_TARGETS: JSON.stringify([{ workspaceId: WORKSPACE, secretId: 'prolific/api-token' }]),
    },
    expected: { outcome: 'rejected', error: 'ConfigurationError', message: /The secretId of workspace \w+ is the token secret/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'a non-https Prolific base URL',
    group: 'configuration',
    env: { PROLIFIC_API_BASE_URL: 'http://api.prolific.com' },
    expected: { outcome: 'rejected', error: 'ConfigurationError', message: /PROLIFIC_API_BASE_URL must use https:/ },
    recovery: STILL_IN_SYNC,
  },
  {
    name: 'PROLIFIC_TOKEN_SECRET_ID is missing',
    group: 'configuration',
    env: { PROLIFIC_TOKEN_SECRET_ID: undefined },
    expected: { outcome: 'rejected', error: 'ConfigurationError', message: /Environment variable PROLIFIC_TOKEN_SECRET_ID is required/ },
    recovery: STILL_IN_SYNC,
  },
];

export const SCENARIOS: readonly Scenario[] = [...prolific, ...secretsManager, ...cutOffs, ...configuration];
