// The function's configuration read from its environment: the targets, the token secret, Prolific's base URL,
// the concurrency, and where the targets live when they are in SSM.
import { describe, expect, it } from 'vitest';
import { parseConfig, targetsParameterPath } from '../../../lambda/rotation-function/config.js';
import { DEFAULT_CONCURRENCY, DEFAULT_PROLIFIC_API_BASE_URL } from '../../../lambda/contract/environment.js';
import { harnessPerTest } from '../../support/harness.js';

const TARGETS = [
  { workspaceId: 'ws-a', secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:a-AbCdEf', format: 'json' as const },
  { workspaceId: 'ws-b', secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:b-AbCdEf', format: 'json' as const },
];
const ENV = {
  ROTATION_TARGETS: JSON.stringify(TARGETS.map(({ workspaceId, secretId }) => ({ workspaceId, secretId }))),
  PROLIFIC_TOKEN_SECRET_ID: 'prolific/api-token',
};
const PARAMETER_ENV = { PROLIFIC_TOKEN_SECRET_ID: 'prolific/api-token', ROTATION_TARGETS_PARAMETER_PATH: '/stack/rotation-targets' };

const setUp = harnessPerTest({ workspaces: ['aaaaaaaaaaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaaaaaaaaaa2', 'aaaaaaaaaaaaaaaaaaaaaaa3'] });

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
    [{ ROTATION_TARGETS: '[{"workspaceId": "ws-a", "secretId": "s"}, {"workspaceId": "WS-A", "secretId": "t"}]' }, /lists workspaceIds ws-a and WS-A, which differ only in letter case/],
    [{ PROLIFIC_TOKEN_SECRET_ID: undefined }, /^Environment variable PROLIFIC_TOKEN_SECRET_ID is required\.$/],
    [{ PROLIFIC_API_BASE_URL: 'api.prolific.com' }, /PROLIFIC_API_BASE_URL is not a URL/],
    [{ PROLIFIC_API_BASE_URL: 'http://api.prolific.com' }, /PROLIFIC_API_BASE_URL must use https:/],
    [{ PROLIFIC_API_BASE_URL: 'ftp://127.0.0.1' }, /PROLIFIC_API_BASE_URL must use https:/],
    [{ PROLIFIC_API_BASE_URL: 'https://user:pass@api.prolific.com' }, /must not carry credentials/],
  ])('rejects %j with a ConfigurationError naming the variable', (overrides, message) => {
    expect(() => parseConfig({ ...ENV, ...overrides })).toThrow(message);
    expect(() => parseConfig({ ...ENV, ...overrides })).toThrow(expect.objectContaining({ name: 'ConfigurationError' }));
  });

  it('reads the concurrency and the target list\'s fingerprint, each without surrounding white space', () => {
    const config = parseConfig({ ...ENV, ROTATION_CONCURRENCY: ' 7 ', ROTATION_TARGETS_VERSION: ' 0123abcd ' });

    expect(config).toMatchObject({ concurrency: 7, targetsVersion: '0123abcd' });
    expect(parseConfig({ ...ENV, ROTATION_CONCURRENCY: '  ' }).concurrency).toBe(DEFAULT_CONCURRENCY);
    expect(parseConfig(ENV)).not.toHaveProperty('targetsVersion');
  });

  it.each(['0', '51', '2.5', 'ten'])('rejects the concurrency %j, naming the variable and the value', (raw) => {
    expect(() => parseConfig({ ...ENV, ROTATION_CONCURRENCY: raw })).toThrow(
      `Environment variable ROTATION_CONCURRENCY must be a whole number from 1 to 50; got ${JSON.stringify(raw)}.`,
    );
  });

  it('rejects a target whose secret is the token secret, so a run cannot write over the API token', () => {
    const targets = JSON.stringify([{ workspaceId: 'ws-a', secretId: 'prolific/api-token' }]);

    expect(() => parseConfig({ ...ENV, ROTATION_TARGETS: targets })).toThrow(
      /^The secretId of workspace ws-a is the token secret \(PROLIFIC_TOKEN_SECRET_ID\); each workspace needs a secret of its own/,
    );
  });
});

describe('parseConfig with the targets in SSM parameters', () => {
  const parameter = (name: string, targets: unknown) => ({ name: `/stack/rotation-targets/${name}`, value: JSON.stringify(targets) });

  it('joins the JSON arrays of the parameters, in the order given', () => {
    const parameters = [
      parameter('01', [{ workspaceId: 'ws-a', secretId: 'a' }]),
      parameter('02', [{ workspaceId: 'ws-b', secretId: 'b', format: 'plain' }]),
    ];

    expect(parseConfig(PARAMETER_ENV, parameters).targets).toEqual([
      { workspaceId: 'ws-a', secretId: 'a', format: 'json' },
      { workspaceId: 'ws-b', secretId: 'b', format: 'plain' },
    ]);
  });

  it.each<[string, { name: string; value: string }[], string | RegExp]>([
    ['no parameter', [], /^The targets under SSM path \/stack\/rotation-targets \(ROTATION_TARGETS_PARAMETER_PATH\) are missing: no parameter was found there/],
    ['a parameter that is not JSON', [{ name: '/stack/rotation-targets/01', value: '{not json' }], /^SSM parameter \/stack\/rotation-targets\/01 is not valid JSON/],
    [
      'a workspace in two parameters',
      [parameter('01', [{ workspaceId: 'ws-a', secretId: 'a' }]), parameter('02', [{ workspaceId: 'ws-a', secretId: 'b' }])],
      'The targets under SSM path /stack/rotation-targets lists workspaceId ws-a more than once; each must appear once.',
    ],
    [
      'two ids that differ only in letter case',
      [parameter('01', [{ workspaceId: 'ws-a', secretId: 'a' }]), parameter('02', [{ workspaceId: 'WS-A', secretId: 'b' }])],
      'The targets under SSM path /stack/rotation-targets lists workspaceIds ws-a and WS-A, which differ only in letter case and so ' +
        'name one workspace; each must appear once.',
    ],
  ])('rejects %s, saying where', (_what, parameters, message) => {
    expect(() => parseConfig(PARAMETER_ENV, parameters)).toThrow(message);
  });
});

describe('targetsParameterPath', () => {
  it('is the SSM path the environment points at, or undefined when the targets are in the environment itself', () => {
    expect(targetsParameterPath(PARAMETER_ENV)).toBe('/stack/rotation-targets');
    expect(targetsParameterPath(ENV)).toBeUndefined();
  });

  it.each(['rotation-targets', '/stack/', '/stack/rotation targets'])('rejects %j, which is not an SSM parameter path', (path) => {
    expect(() => targetsParameterPath({ ...PARAMETER_ENV, ROTATION_TARGETS_PARAMETER_PATH: path })).toThrow(
      /^Environment variable ROTATION_TARGETS_PARAMETER_PATH must be an SSM parameter path such as/,
    );
  });
});

describe('the configuration at an invocation', () => {
  it('rejects a concurrency that is not a whole number from 1 to 50, naming the variable', async () => {
    const h = await setUp({ env: { ROTATION_CONCURRENCY: '0' } });

    const { error } = await h.invoke({ action: 'status' });

    expect(error?.name).toBe('ConfigurationError');
    expect(error?.message).toMatch(/ROTATION_CONCURRENCY must be a whole number from 1 to 50/);
  });

  it('refuses both ROTATION_TARGETS and ROTATION_TARGETS_PARAMETER_PATH, so there is one list of targets', async () => {
    const h = await setUp({ targetsIn: 'parameters', env: { ROTATION_TARGETS: '[]' } });

    const { error } = await h.invoke({ action: 'status' });

    expect(error?.message).toMatch(/ROTATION_TARGETS and ROTATION_TARGETS_PARAMETER_PATH are both set/);
  });
});
