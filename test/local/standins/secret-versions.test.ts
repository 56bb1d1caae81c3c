// Secrets Manager's label rules, as the one model both stand-ins keep their versions in: what PutSecretValue,
// UpdateSecretVersionStage, GetSecretValue and RotateSecret do to a secret's versions, and what they refuse.
import { describe, expect, it } from 'vitest';
import { SecretVersions } from '../../../local/standins/secret-versions.js';
import { thrownBy } from '../../support/errors.js';

const stagesById = (versions: SecretVersions) => Object.fromEntries(versions.list().map((version) => [version.versionId, version.stages]));

/** v1 AWSCURRENT, v2 AWSPENDING. */
function currentAndPending(): SecretVersions {
  const versions = new SecretVersions();
  versions.put('v1', 'one');
  versions.put('v2', 'two', ['AWSPENDING']);
  return versions;
}

describe('put (PutSecretValue)', () => {
  it('labels a new version AWSCURRENT by default, leaves AWSPREVIOUS on the one that had it, and takes it off the one before', () => {
    const versions = new SecretVersions();

    versions.put('v1', 'one');
    versions.put('v2', 'two');
    versions.put('v3', 'three');

    expect(stagesById(versions)).toEqual({ v1: [], v2: ['AWSPREVIOUS'], v3: ['AWSCURRENT'] });
  });

  it('makes the first version AWSCURRENT whatever labels were asked for, and later ones only what was asked', () => {
    const versions = new SecretVersions();

    versions.put('v1', 'one', ['AWSPENDING']);
    versions.put('v2', 'two', ['AWSPENDING']);

    expect(stagesById(versions)).toEqual({ v1: ['AWSCURRENT'], v2: ['AWSPENDING'] });
  });

  it('answers an existing version with the same value as it is, its labels untouched', () => {
    const versions = currentAndPending();

    const again = versions.put('v2', 'two', ['AWSCURRENT']);

    expect(again.stages).toEqual(['AWSPENDING']);
    expect(stagesById(versions)).toEqual({ v1: ['AWSCURRENT'], v2: ['AWSPENDING'] });
  });

  it('refuses an existing version id with another value, changing nothing, and never names the value', () => {
    const versions = currentAndPending();
    const before = versions.list();

    const refusal = thrownBy(() => versions.put('v2', 'value-9f3c', ['AWSCURRENT']));

    expect(refusal.name).toBe('ResourceExistsException');
    expect(refusal.message).toContain('VersionId v2 already exists');
    expect(refusal.message).not.toContain('value-9f3c');
    expect(versions.list()).toEqual(before);
  });

  it("writes the value of RotateSecret's empty version and attaches the labels asked for", () => {
    const versions = new SecretVersions();
    versions.put('v1', 'one');
    versions.startRotation('token');

    versions.put('token', 'two', ['AWSPENDING']);

    expect(versions.read({ stage: 'AWSPENDING' })).toMatchObject({ versionId: 'token', secretString: 'two' });
    expect(stagesById(versions)).toEqual({ v1: ['AWSCURRENT'], token: ['AWSPENDING'] });
  });
});

describe('moveStage (UpdateSecretVersionStage)', () => {
  it('moves AWSCURRENT from the version named in removeFrom, which is left AWSPREVIOUS', () => {
    const versions = currentAndPending();

    versions.moveStage('AWSCURRENT', { moveTo: 'v2', removeFrom: 'v1' });

    expect(stagesById(versions)).toEqual({ v1: ['AWSPREVIOUS'], v2: ['AWSPENDING', 'AWSCURRENT'] });
  });

  it('moves a label no version carries without naming any version to take it from, leaving AWSPREVIOUS where it was', () => {
    const versions = new SecretVersions();
    versions.seed('orphan', 'one', []);
    versions.seed('old', 'zero', ['AWSPREVIOUS']);

    versions.moveStage('AWSCURRENT', { moveTo: 'orphan' });

    expect(stagesById(versions)).toEqual({ orphan: ['AWSCURRENT'], old: ['AWSPREVIOUS'] });
  });

  it('takes a label off a version when only removeFrom is given', () => {
    const versions = currentAndPending();

    versions.moveStage('AWSPENDING', { removeFrom: 'v2' });

    expect(stagesById(versions)).toEqual({ v1: ['AWSCURRENT'], v2: [] });
  });

  it('does nothing when the label is already on the version it is moved to', () => {
    const versions = currentAndPending();

    versions.moveStage('AWSCURRENT', { moveTo: 'v1' });

    expect(stagesById(versions)).toEqual({ v1: ['AWSCURRENT'], v2: ['AWSPENDING'] });
  });

  it.each<[string, Parameters<SecretVersions['moveStage']>, string, RegExp]>([
    ['neither version', ['AWSCURRENT', {}], 'InvalidParameterException', /You must specify MoveToVersionId, RemoveFromVersionId, or both/],
    ['a label attached elsewhere, without removeFrom', ['AWSCURRENT', { moveTo: 'v2' }], 'InvalidParameterException', /RemoveFromVersionId can't be empty\. Staging label AWSCURRENT is currently attached to version v1/],
    ['a label attached elsewhere, from the wrong version', ['AWSCURRENT', { moveTo: 'v2', removeFrom: 'v2' }], 'InvalidParameterException', /attached to version v1, not to version v2/],
    ['a label from a version that does not carry it', ['AWSPENDING', { removeFrom: 'v1' }], 'InvalidParameterException', /Staging label AWSPENDING is not attached to version v1/],
    ['a label to an unknown version', ['AWSCURRENT', { moveTo: 'v9', removeFrom: 'v1' }], 'ResourceNotFoundException', /for VersionId: v9/],
  ])('refuses to move %s, changing nothing', (_what, [stage, move], name, message) => {
    const versions = currentAndPending();
    const before = versions.list();

    const refusal = thrownBy(() => {
      versions.moveStage(stage, move);
    });

    expect(refusal.name).toBe(name);
    expect(refusal.message).toMatch(message);
    expect(versions.list()).toEqual(before);
  });
});

describe('read (GetSecretValue)', () => {
  it('reads AWSCURRENT by default, another version by label or by id, and by both when they name one version', () => {
    const versions = currentAndPending();

    expect(versions.read({}).secretString).toBe('one');
    expect(versions.read({ stage: 'AWSPENDING' }).secretString).toBe('two');
    expect(versions.read({ versionId: 'v1' }).secretString).toBe('one');
    expect(versions.read({ versionId: 'v2', stage: 'AWSPENDING' }).secretString).toBe('two');
  });

  it.each<[string, Parameters<SecretVersions['read']>[0], RegExp]>([
    ['a label no version carries', { stage: 'AWSPREVIOUS' }, /for staging label: AWSPREVIOUS/],
    ['an unknown version id', { versionId: 'v9' }, /for VersionId: v9/],
    ['a version id and a label that name different versions', { versionId: 'v1', stage: 'AWSPENDING' }, /for staging label: AWSPENDING/],
    ["RotateSecret's version before a value is written", { versionId: 'token' }, /for VersionId: token/],
  ])('answers ResourceNotFoundException for %s', (_what, choice, message) => {
    const versions = currentAndPending();
    versions.moveStage('AWSPENDING', { removeFrom: 'v2' });
    versions.startRotation('token');

    const refusal = thrownBy(() => versions.read(choice));

    expect(refusal.name).toBe('ResourceNotFoundException');
    expect(refusal.message).toMatch(message);
  });
});

describe('startRotation (RotateSecret)', () => {
  it('adds an empty version labelled AWSPENDING, taking the label off any other', () => {
    const versions = currentAndPending();

    versions.startRotation('token');

    expect(stagesById(versions)).toEqual({ v1: ['AWSCURRENT'], v2: [], token: ['AWSPENDING'] });
    expect(versions.find('token')?.secretString).toBeUndefined();
  });

  it('refuses a version id that exists already', () => {
    const versions = currentAndPending();

    expect(thrownBy(() => versions.startRotation('v2')).name).toBe('ResourceExistsException');
  });
});

describe('seed (a test describing its starting state)', () => {
  it('places the labels as given: taken off other versions, with no AWSPREVIOUS left behind and no first-version rule', () => {
    const versions = new SecretVersions();
    versions.seed('v1', 'one', []);
    versions.seed('v2', 'two', ['AWSCURRENT']);

    versions.seed('v3', 'three', ['AWSCURRENT', 'AWSPENDING']);

    expect(stagesById(versions)).toEqual({ v1: [], v2: [], v3: ['AWSCURRENT', 'AWSPENDING'] });
  });

  it('replaces a version of the same id in its place', () => {
    const versions = currentAndPending();

    versions.seed('v2', 'other', ['AWSCURRENT']);

    expect(versions.list().map((version) => [version.versionId, version.secretString, version.stages])).toEqual([
      ['v1', 'one', []],
      ['v2', 'other', ['AWSCURRENT']],
    ]);
  });
});

describe('what callers are handed', () => {
  it('lists versions oldest first, each created by the clock, as copies that change nothing stored', () => {
    let tick = 0;
    const versions = new SecretVersions(() => new Date(Date.UTC(2026, 0, 1, 0, 0, (tick += 1))));
    versions.put('v1', 'one');
    versions.put('v2', 'two');

    versions.list()[0]?.stages.push('AWSPENDING');

    expect(versions.list().map((version) => [version.versionId, version.createdAt.toISOString()])).toEqual([
      ['v1', '2026-01-01T00:00:01.000Z'],
      ['v2', '2026-01-01T00:00:02.000Z'],
    ]);
    expect(versions.find('v1')?.stages).toEqual(['AWSPREVIOUS']);
    expect(versions.stagesById()).toEqual({ v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'] });
    expect(versions.size).toBe(2);
  });
});
