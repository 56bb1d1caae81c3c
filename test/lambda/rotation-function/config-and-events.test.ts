import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lambda/rotation-function/config.js';
import { DEFAULT_CONCURRENCY, DEFAULT_PROLIFIC_API_BASE_URL } from '../../../lambda/contract/environment.js';
import { parseEvent } from '../../../lambda/rotation-function/invocation-event.js';

const TARGETS = [
  { workspaceId: 'ws-a', secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:a-AbCdEf', format: 'json' as const },
  { workspaceId: 'ws-b', secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:b-AbCdEf', format: 'json' as const },
];
const ENV = {
  ROTATION_TARGETS: JSON.stringify(TARGETS.map(({ workspaceId, secretId }) => ({ workspaceId, secretId }))),
  PROLIFIC_TOKEN_SECRET_ID: 'prolific/api-token',
};

describe('parseConfig', () => {
  it('reads the targets and token secret, defaulting the base URL to production', () => {
    expect(parseConfig(ENV)).toEqual({
      targets: TARGETS,
      tokenSecretId: 'prolific/api-token',
      prolificApiBaseUrl: DEFAULT_PROLIFIC_API_BASE_URL,
      concurrency: DEFAULT_CONCURRENCY,
    });
  });

  it.each([
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['http://localhost:1', 'http://localhost:1'],
    ['http://[::1]:9/', 'http://[::1]:9'],
    ['https://proxy.example.com/prolific/', 'https://proxy.example.com/prolific'],
  ])('accepts the base URL %s (loopback may be plain http)', (raw, expected) => {
    expect(parseConfig({ ...ENV, PROLIFIC_API_BASE_URL: raw }).prolificApiBaseUrl).toBe(expected);
  });

  it('reads a target\'s format, json unless it says plain', () => {
    const targets = JSON.stringify([
      { workspaceId: 'ws-a', secretId: 'a' },
      { workspaceId: 'ws-b', secretId: 'b', format: 'plain' },
    ]);

    expect(parseConfig({ ...ENV, ROTATION_TARGETS: targets }).targets.map((target) => target.format)).toEqual(['json', 'plain']);
    expect(() => parseConfig({ ...ENV, ROTATION_TARGETS: targets.replace('plain', 'yaml') })).toThrow(
      /ROTATION_TARGETS\[1\]\.format must be one of json, plain/,
    );
  });

  it.each<[Record<string, string | undefined>, RegExp]>([
    [{ ROTATION_TARGETS: undefined }, /^Environment variable ROTATION_TARGETS is required\.$/],
    [{ ROTATION_TARGETS: '  ' }, /ROTATION_TARGETS is required/],
    [{ ROTATION_TARGETS: '{not json' }, /ROTATION_TARGETS is not valid JSON; expected a JSON array like/],
    [{ ROTATION_TARGETS: '[]' }, /ROTATION_TARGETS must be a JSON array .* with at least one entry/],
    [{ ROTATION_TARGETS: '{"workspaceId": "a"}' }, /ROTATION_TARGETS must be a JSON array/],
    [{ ROTATION_TARGETS: '["a"]' }, /ROTATION_TARGETS\[0\] must be an object/],
    [{ ROTATION_TARGETS: '[{"workspaceId": "a", "secretId": ""}]' }, /ROTATION_TARGETS\[0\]\.secretId must be the ARN or name/],
    [{ ROTATION_TARGETS: '[{"workspaceId": "a/b", "secretId": "s"}]' }, /ROTATION_TARGETS\[0\]\.workspaceId must be a Prolific workspace id/],
    [{ ROTATION_TARGETS: '[{"workspaceId": "a", "secretId": "s"}, {"workspaceId": "a", "secretId": "t"}]' }, /lists workspaceId a more than once/],
    [{ ROTATION_TARGETS: '[{"workspaceId": "a", "secretId": "s"}, {"workspaceId": "b", "secretId": "s"}]' }, /lists secretId s more than once/],
    [{ PROLIFIC_TOKEN_SECRET_ID: undefined }, /^Environment variable PROLIFIC_TOKEN_SECRET_ID is required\.$/],
    [{ PROLIFIC_API_BASE_URL: 'api.prolific.com' }, /PROLIFIC_API_BASE_URL is not a URL/],
    [{ PROLIFIC_API_BASE_URL: 'http://api.prolific.com' }, /PROLIFIC_API_BASE_URL must use https:/],
    [{ PROLIFIC_API_BASE_URL: 'ftp://127.0.0.1' }, /PROLIFIC_API_BASE_URL must use https:/],
    [{ PROLIFIC_API_BASE_URL: 'https://user:pass@api.prolific.com' }, /must not carry credentials/],
  ])('rejects %j with a ConfigurationError naming the variable', (overrides, message) => {
    expect(() => parseConfig({ ...ENV, ...overrides })).toThrow(message);
    expect(() => parseConfig({ ...ENV, ...overrides })).toThrow(expect.objectContaining({ name: 'ConfigurationError' }));
  });
});

describe('parseEvent', () => {
  it.each([
    [{}, { action: 'status', dryRun: false, targets: TARGETS }],
    [{ workspaceId: 'ws-b' }, { action: 'status', dryRun: false, targets: [TARGETS[1]] }],
    [{ action: 'sync' }, { action: 'sync', dryRun: false, targets: TARGETS }],
    [{ action: 'status', workspaceId: 'ws-b' }, { action: 'status', dryRun: false, targets: [TARGETS[1]] }],
    [{ action: 'rotate', dryRun: true }, { action: 'rotate', dryRun: true, targets: TARGETS }],
  ])('accepts %j', (event, expected) => {
    expect(parseEvent(event, TARGETS)).toEqual({ kind: 'action', ...expected });
  });

  it('accepts a Secrets Manager rotation step for a configured target secret', () => {
    const event = { Step: 'createSecret', SecretId: TARGETS[0]?.secretId, ClientRequestToken: '4c0b2a6d-59d6-4f1e-9d6a-0d3c1b2a3e4f' };

    expect(parseEvent(event, TARGETS)).toEqual({ kind: 'native', step: 'createSecret', target: TARGETS[0], clientRequestToken: event.ClientRequestToken });
  });

  it.each<[unknown, RegExp]>([
    [{ Step: 'rotateSecret', SecretId: TARGETS[0]?.secretId, ClientRequestToken: '4c0b2a6d-59d6-4f1e-9d6a-0d3c1b2a3e4f' }, /Field "Step" must be one of createSecret, setSecret, testSecret, finishSecret/],
    [{ Step: 'createSecret', SecretId: 'other', ClientRequestToken: '4c0b2a6d-59d6-4f1e-9d6a-0d3c1b2a3e4f' }, /Field "SecretId" must be the ARN of a configured target secret; got "other"/],
    [{ Step: 'createSecret', SecretId: TARGETS[0]?.secretId, ClientRequestToken: 'short' }, /Field "ClientRequestToken" must be a version id/],
    [{ action: 'rotate', workspaceId: 'ws-a\u0000' }, /Field "workspaceId" must be a Prolific workspace id .*got "ws-a\\u0000"/],
    [{ action: 'rotate', workspaceId: 'x'.repeat(9000) }, /The event is larger than 8192 bytes/],
    [{ constructor: { prototype: {} } }, /Field "constructor" is not allowed/],
  ])('rejects %j naming the field', (event, message) => {
    expect(() => parseEvent(event, TARGETS)).toThrow(message);
  });

  it.each([null, undefined, [], ['rotate'], 'rotate', 42, true])('item 7: rejects %j, which is not an event object, instead of rotating', (event) => {
    expect(() => parseEvent(event, TARGETS)).toThrow(/^The event must be a JSON object such as \{"action": "rotate"\}/);
  });

  it('shortens a long rejected value in its message', () => {
    expect(() => parseEvent({ action: 'a'.repeat(100) }, TARGETS)).toThrow(/got "a{56}\.\.\.\.$/);
  });
});
