// Least privilege proven by a real IAM policy evaluator (@cloud-copilot/iam-simulate) rather than read off the
// policy statements: every AWS call a representative run makes against the stand-ins is recorded as IAM sees it
// and must be allowed by the synthesized template, in every configuration, for each principal that makes it;
// what must never be allowed is denied; and every granted action is used, or named below as a finding.
import { beforeAll, describe, expect, it } from 'vitest';
import { ROTATION_EVENT } from '../../lambda/contract/rotation-event.js';
import { ecsAgentChecks, recordedChecks } from './allowed-calls.js';
import { CONFIGURATIONS, ecsFromSecretsManagerOnly, secretsManagerRotationSecrets } from './configurations.js';
import { withEditedTemplate, type Deployment } from './deployments.js';
import { describeGrantPart } from './grant-usage.js';
import { evaluate } from './evaluate.js';
import { meetsExpectation, roleNamed, runChecks, type CheckResult, type CheckSource } from './iam-checks.js';
import {
  evaluateLeastPrivilege,
  UNUSED_GRANT_FINDINGS,
  type ConfigurationEvaluation,
  type LeastPrivilegeEvaluation,
} from './least-privilege.js';
import type { CfnTemplate } from './template-resolver.js';

let evaluation: LeastPrivilegeEvaluation;
beforeAll(async () => {
  evaluation = await evaluateLeastPrivilege();
});

function configuration(key: string): ConfigurationEvaluation {
  const found = evaluation.configurations.find((entry) => entry.key === key);
  if (found === undefined) throw new Error(`No configuration ${key}`);
  return found;
}
const from = (results: readonly CheckResult[], ...sources: CheckSource[]) => results.filter((result) => sources.includes(result.source));
const failures = (results: readonly CheckResult[]) =>
  results
    .filter((result) => !meetsExpectation(result))
    .map(({ who, request, resourceLabel, decision, why }) => {
      const context = JSON.stringify(request.context);
      return `${who} ${request.action} on the ${resourceLabel} ${context}: ${decision} (${why})`;
    });

describe('the representative run', () => {
  it('rotates, syncs, resumes, heals, dry-runs and runs the native steps', () => {
    expect([...evaluation.recorded.outcomes]).toEqual(
      expect.arrayContaining(['rotated', 'healed', 'resumed', 'unchanged', 'would-rotate', 'would-heal']),
    );
    expect([...evaluation.recorded.outcomes]).toEqual(
      expect.arrayContaining(['createSecret', 'setSecret', 'testSecret', 'finishSecret']),
    );
  });

  it('records the calls of the function, the example receiver and the receiver kit, with their condition keys', () => {
    const kinds = evaluation.recorded.calls.map(({ principal, action, resource, conditionKeys }) => [
      principal,
      action,
      resource,
      Object.keys(conditionKeys),
    ]);

    expect(kinds).toEqual(
      expect.arrayContaining([
        ['rotation-function', 'secretsmanager:PutSecretValue', 'target-secret', []],
        ['rotation-function', 'secretsmanager:UpdateSecretVersionStage', 'target-secret', ['secretsmanager:VersionStage']],
        ['rotation-function', 'secretsmanager:GetSecretValue', 'token-secret', []],
        ['rotation-function', 'events:PutEvents', 'default-event-bus', ['events:source', 'events:detail-type']],
        ['rotation-function', 'ssm:GetParametersByPath', 'targets-parameter-path', ['ssm:Recursive']],
        ['example-receiver', 'secretsmanager:GetSecretValue', 'target-secret', ['secretsmanager:VersionStage']],
        ['receiver-kit', 'secretsmanager:DescribeSecret', 'target-secret', []],
        ['example-receiver', 'dynamodb:PutItem', 'idempotency-table', []],
        ['example-receiver', 'dynamodb:UpdateItem', 'idempotency-table', []],
      ]),
    );
    const events = evaluation.recorded.calls.find(({ action }) => action === 'events:PutEvents');
    expect(events?.conditionKeys['events:source']).toEqual([ROTATION_EVENT.source]);
  });
});

describe.each(CONFIGURATIONS)('configuration $key: $name', ({ key }) => {
  it("allows each principal's recorded calls, the KMS calls Secrets Manager makes for them, and Powertools' unrecorded ones", () => {
    const allowed = from(configuration(key).results, 'recorded', 'on behalf', 'library');

    expect(allowed.length).toBeGreaterThan(0);
    expect(failures(allowed)).toEqual([]);
  });

  it("allows what AWS's services do for the stack: assume its roles, write its logs, invoke it, deliver to its queues and topic", () => {
    expect(failures(from(configuration(key).results, 'service'))).toEqual([]);
  });

  it('denies everything on the must-never list', () => {
    const never = from(configuration(key).results, 'never');

    expect(never.length).toBeGreaterThan(20);
    expect(failures(never)).toEqual([]);
  });

  it('grants nothing that no check uses, but the findings named in least-privilege.ts', () => {
    const unexplained = configuration(key).unused.filter((part) => !UNUSED_GRANT_FINDINGS.some((finding) => finding.matches(part)));

    expect(unexplained.map(describeGrantPart)).toEqual([]);
  });
});

describe('the findings', () => {
  it('are each still a grant that nothing uses', () => {
    const unused = evaluation.configurations.flatMap(({ unused: parts }) => parts);

    for (const finding of UNUSED_GRANT_FINDINGS) expect(unused.some(finding.matches), finding.why).toBe(true);
  });
});

describe('rotation events: events:source is multivalued, one value per entry', () => {
  const putEvents = (results: readonly CheckResult[]) => results.filter(({ request }) => request.action === 'events:PutEvents');

  it("allows the function's own source, and denies another source, a mix of sources, no source and another bus", () => {
    const results = putEvents(configuration('A').results).filter(({ who }) => who === 'rotation-function');

    expect(results.filter(({ source }) => source === 'recorded').map(({ decision }) => decision)).toEqual(['Allowed']);
    const never = results.filter(({ source }) => source === 'never');
    expect(never.map(({ resourceLabel, why, decision }) => [resourceLabel, why, decision])).toEqual([
      ['default event bus', 'It must not pose as another source', 'ImplicitlyDenied'],
      ['default event bus', 'Every entry must carry its own source', 'ImplicitlyDenied'],
      ['default event bus', 'No source at all must not pass the set operator vacuously', 'ImplicitlyDenied'],
      ['another event bus', 'Only on the default bus', 'ImplicitlyDenied'],
    ]);
  });

  it('would deny the function its own rotation events with a plain StringEquals, as the grant was before its fix', async () => {
    const { deployment } = configuration('A');
    const reverted = withEditedTemplate(deployment, (template) => {
      expect(editStatements(template, 'PutRotationEvents', { StringEquals: { 'events:source': ROTATION_EVENT.source } })).toBe(1);
    });
    const calls = evaluation.recorded.calls.filter(({ action }) => action === 'events:PutEvents');

    const [asFixed] = await runChecks(deployment, recordedChecks(deployment, calls));
    const [asBefore] = await runChecks(reverted, recordedChecks(reverted, calls));

    expect(asFixed?.decision).toBe('Allowed');
    expect(asBefore?.decision).toBe('ImplicitlyDenied');
  });

  it('would let a request without any source through ForAllValues alone: the Null check is what denies it', async () => {
    const { deployment } = configuration('A');
    const withoutNull = withEditedTemplate(deployment, (template) => {
      const onlyTheSet = { 'ForAllValues:StringEquals': { 'events:source': [ROTATION_EVENT.source] } };
      expect(editStatements(template, 'PutRotationEvents', onlyTheSet)).toBe(1);
    });
    const noSource = (from: Deployment) =>
      evaluate({ principal: roleNamed(from, 'rotation-function'), action: 'events:PutEvents', resource: from.eventBus }, undefined);

    expect((await noSource(deployment)).decision).toBe('ImplicitlyDenied');
    expect((await noSource(withoutNull)).decision).toBe('Allowed');
  });
});

describe("the example receiver's idempotency table", () => {
  const onTheTable = (results: readonly CheckResult[]) => results.filter(({ request }) => request.action.startsWith('dynamodb:'));

  it.each(['A', 'B', 'E'])(
    "lets the receiver make Powertools' four item calls on its own table, and nothing else (configuration %s)",
    (key) => {
      const results = onTheTable(configuration(key).results);
      const described = results.map(({ who, request, resourceLabel, decision }) => [who, request.action, resourceLabel, decision]);

      expect(described).toEqual(
        expect.arrayContaining([
          ['example-receiver', 'dynamodb:PutItem', 'idempotency table', 'Allowed'],
          ['example-receiver', 'dynamodb:UpdateItem', 'idempotency table', 'Allowed'],
          ['example-receiver', 'dynamodb:DeleteItem', 'idempotency table', 'Allowed'],
          ['example-receiver', 'dynamodb:GetItem', 'idempotency table', 'Allowed'],
        ]),
      );
      expect(described.filter(([, , , decision]) => decision === 'Allowed')).toHaveLength(4);
      expect(failures(results)).toEqual([]);
    },
  );

  it('denies the receiver another table, a scan or the table itself; the function and another account any item', () => {
    const never = from(onTheTable(configuration('A').results), 'never');

    expect(never.map(({ who, request, resourceLabel }) => [who, request.action, resourceLabel])).toEqual([
      ['example-receiver', 'dynamodb:GetItem', 'another table'],
      ['example-receiver', 'dynamodb:PutItem', 'another table'],
      ['example-receiver', 'dynamodb:Scan', 'idempotency table'],
      ['example-receiver', 'dynamodb:Query', 'idempotency table'],
      ['example-receiver', 'dynamodb:DeleteTable', 'idempotency table'],
      ['rotation-function', 'dynamodb:GetItem', 'idempotency table'],
      ['rotation-function', 'dynamodb:PutItem', 'idempotency table'],
      ['another account', 'dynamodb:PutItem', 'idempotency table'],
    ]);
    expect(failures(never)).toEqual([]);
  });
});

describe("Secrets Manager's own rotation (configuration E)", () => {
  const bySecretsManager = (key: string) =>
    configuration(key).results.filter(
      ({ who, request }) => who === 'secretsmanager.amazonaws.com' && request.action === 'lambda:InvokeFunction',
    );
  const accountOf = (result: CheckResult) => result.request.context?.['aws:SourceAccount'];

  it("lets Secrets Manager invoke the function for each target secret of the stack's account, and for no other account", () => {
    const { deployment } = configuration('E');
    const invocations = bySecretsManager('E');

    expect(deployment.nativeRotationSecretArns).toEqual(deployment.workspaces.map(({ arn }) => arn));
    const described = invocations.map((result) => [
      accountOf(result) === deployment.account,
      result.request.context?.['aws:SourceArn'],
      result.decision,
    ]);

    expect(described).toEqual([
      ...deployment.workspaces.map(({ arn }) => [true, arn, 'Allowed']),
      [false, expect.stringContaining(':secret:'), 'ImplicitlyDenied'],
      [false, undefined, 'ImplicitlyDenied'],
    ]);
  });

  it('does not let Secrets Manager invoke the function where the scheduler rotates', () => {
    expect(bySecretsManager('A').map(({ expected, decision }) => [expected, decision])).toEqual([['Denied', 'ImplicitlyDenied']]);
  });

  it("allows the function's native steps on every target secret: DescribeSecret, a version by id, PutSecretValue, the stage moves", () => {
    const { deployment, results } = configuration('E');
    const steps = results.filter(({ who, source }) => who === 'rotation-function' && source === 'recorded');
    const onSecret = (arn: string) => steps.filter(({ request }) => request.resource === arn);
    const stagesMoved = (arn: string) =>
      onSecret(arn)
        .filter(({ request }) => request.action === 'secretsmanager:UpdateSecretVersionStage')
        .map(({ request }) => request.context?.['secretsmanager:VersionStage']);
    const readsByVersionId = (arn: string) =>
      onSecret(arn).filter(
        ({ request }) => request.action === 'secretsmanager:GetSecretValue' && request.context?.['secretsmanager:VersionId'] !== undefined,
      );

    for (const { arn } of deployment.workspaces) {
      const actions = onSecret(arn).map(({ request }) => request.action);
      expect(actions).toEqual(
        expect.arrayContaining([
          'secretsmanager:DescribeSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ]),
      );
      expect(readsByVersionId(arn)).not.toEqual([]);
      expect(stagesMoved(arn)).toEqual(expect.arrayContaining(['AWSCURRENT', 'AWSPENDING']));
      expect(failures(onSecret(arn))).toEqual([]);
    }
  });

  it('adds no grant to any role, only the Lambda permission for Secrets Manager, which its invocations use', () => {
    const grantsOf = ({ roles }: Deployment) =>
      [...roles].map(([name, { principal }]) => [name, principal.identityPolicies.map(({ document }) => document.Statement)]);
    const { deployment } = configuration('E');
    const rotatedByTheScheduler = secretsManagerRotationSecrets('scheduler');

    expect(grantsOf(deployment)).toEqual(grantsOf(rotatedByTheScheduler));
    expect(rotatedByTheScheduler.policies.resourcePolicy(rotatedByTheScheduler.rotationFunction.arn)).toBeUndefined();
    expect(deployment.policies.resourcePolicy(deployment.rotationFunction.arn)?.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'secretsmanager.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: deployment.rotationFunction.arn,
        Condition: { StringEquals: { 'aws:SourceAccount': deployment.account } },
      },
    ]);
  });
});

describe('the API token secret the stack creates', () => {
  it.each(['A', 'C'])("is explicitly denied, by its resource policy, to an administrator of the account (configuration %s)", (key) => {
    const administrator = configuration(key).results.filter(({ who }) => who === 'account administrator');

    expect(administrator.map(({ request, decision }) => [request.action, decision])).toEqual([
      ['secretsmanager:GetSecretValue', 'ExplicitlyDenied'],
    ]);
  });
});

describe('an ECS task execution role granted by ecs.Secret.fromSecretsManager alone', () => {
  let deployment: Deployment;
  let results: CheckResult[];
  beforeAll(async () => {
    deployment = ecsFromSecretsManagerOnly();
    results = await runChecks(deployment, ecsAgentChecks(deployment, 'ecs-task-execution'));
  });
  const decisionsFor = (workspaceId: string) => {
    const secret = deployment.workspaces.find((workspace) => workspace.workspaceId === workspaceId);
    return results
      .filter(({ request }) => request.resource === secret?.arn || request.resource === secret?.keyArn)
      .map(({ request, decision }) => [request.action, decision]);
  };

  it('reads a secret encrypted with a key the stack created', () => {
    expect(decisionsFor('ws-a')).toEqual([
      ['secretsmanager:GetSecretValue', 'Allowed'],
      ['kms:Decrypt', 'Allowed'],
    ]);
  });

  it('cannot decrypt one with an imported key: docs/receivers.md asks for kms:Decrypt on such a key as well', () => {
    expect(decisionsFor('ws-c')).toEqual([
      ['secretsmanager:GetSecretValue', 'Allowed'],
      ['kms:Decrypt', 'ImplicitlyDenied'],
    ]);
  });
});

/** Sets the Condition of the identity statements with `sid` in a template; how many there were. */
function editStatements(template: CfnTemplate, sid: string, condition: object): number {
  const statements = Object.values(template.Resources)
    .filter(({ Type }) => Type === 'AWS::IAM::Policy' || Type === 'AWS::IAM::ManagedPolicy')
    .flatMap(({ Properties }) => (Properties?.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
    .filter((statement) => statement.Sid === sid);
  for (const statement of statements) statement.Condition = condition;
  return statements.length;
}
