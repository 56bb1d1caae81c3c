// One secret's versions and their staging labels, with Secrets Manager's rules for moving the labels and
// the errors it answers when a rule is broken. The one model of those rules: the HTTP stand-in
// (secrets-manager.ts) and the in-memory secret store of the rotation tests both keep their versions here,
// so the two cannot disagree. Only `SecretString` values are kept (no `SecretBinary`).
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from '../../lambda/contract/staging-labels.js';
import { clientError, type ServiceError } from './aws-json.js';

export interface SecretVersion {
  readonly versionId: string;
  /** Undefined for the version RotateSecret labels AWSPENDING before the rotation function writes it. */
  readonly secretString?: string;
  /** The staging labels on the version, in the order they were attached (a copy: changing it changes nothing stored). */
  readonly stages: string[];
  readonly createdAt: Date;
}

interface MutableVersion {
  readonly versionId: string;
  secretString?: string;
  stages: string[];
  readonly createdAt: Date;
}

/** Which version UpdateSecretVersionStage moves a label to, and which it takes it from. */
export interface StageMove {
  readonly moveTo?: string;
  readonly removeFrom?: string;
}

/** GetSecretValue's choice of version: by id, by label (AWSCURRENT when neither is given), or both naming one version. */
export interface VersionChoice {
  readonly versionId?: string;
  readonly stage?: string;
}

const versionNotFound = (versionId: string): ServiceError =>
  clientError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);

const stageNotFound = (stage: string): ServiceError =>
  clientError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${stage}`);

/** A copy the caller may change without changing what is stored. */
const copyOf = (version: MutableVersion): SecretVersion => ({ ...version, stages: [...version.stages] });

/**
 * The versions of one secret, oldest first. Each operation checks everything before it changes anything,
 * so one that throws (a `ServiceError` carrying AWS's error name) changes nothing.
 */
export class SecretVersions {
  private readonly versions: MutableVersion[] = [];

  /** @param clock when each new version is created */
  constructor(private readonly clock: () => Date = () => new Date()) {}

  /** Every version, oldest first, as copies. */
  list(): SecretVersion[] {
    return this.versions.map(copyOf);
  }

  get size(): number {
    return this.versions.length;
  }

  /** The labels of every version that carries one: DescribeSecret's `VersionIdsToStages`. */
  stagesById(): Record<string, string[]> {
    const labelled = this.versions.filter((version) => version.stages.length > 0);
    return Object.fromEntries(labelled.map((version) => [version.versionId, [...version.stages]]));
  }

  find(versionId: string): SecretVersion | undefined {
    const version = this.versions.find((candidate) => candidate.versionId === versionId);
    return version && copyOf(version);
  }

  withStage(stage: string): SecretVersion | undefined {
    const version = this.holderOf(stage);
    return version && copyOf(version);
  }

  /** The version GetSecretValue answers with; it must hold a value. */
  read({ versionId, stage }: VersionChoice): SecretVersion & { readonly secretString: string } {
    let version: MutableVersion | undefined;
    if (versionId !== undefined) {
      version = this.byId(versionId);
      // With both parameters, they must name the same version.
      if (stage !== undefined && !version.stages.includes(stage)) throw stageNotFound(stage);
    } else {
      version = this.holderOf(stage ?? AWSCURRENT);
      if (!version) throw stageNotFound(stage ?? AWSCURRENT);
    }
    // RotateSecret's AWSPENDING version has no value until the rotation function writes one.
    if (version.secretString === undefined) throw versionNotFound(version.versionId);
    return { ...copyOf(version), secretString: version.secretString };
  }

  /**
   * A version exactly as a test describes the state it starts from (replacing any version of that id):
   * `stages` taken from whichever versions carried them, and nothing else moved (no AWSPREVIOUS left
   * behind, no first-version rule).
   */
  seed(versionId: string, secretString: string | undefined, stages: readonly string[]): SecretVersion {
    const value = secretString === undefined ? {} : { secretString };
    const version: MutableVersion = { versionId, ...value, stages: [], createdAt: this.clock() };
    const index = this.versions.findIndex((candidate) => candidate.versionId === versionId);
    if (index === -1) this.versions.push(version);
    else this.versions[index] = version;
    for (const stage of stages) {
      this.detach(stage);
      version.stages.push(stage);
    }
    return copyOf(version);
  }

  /**
   * PutSecretValue. A new version gets `stages` (the first version of a secret gets AWSCURRENT as well);
   * RotateSecret's empty version gets its value and `stages`; an existing version with the same value is
   * answered as it is, labels untouched; one with another value is refused: a version never changes.
   */
  put(versionId: string, secretString: string, stages: readonly string[] = [AWSCURRENT]): SecretVersion {
    const existing = this.versions.find((version) => version.versionId === versionId);
    if (existing !== undefined && existing.secretString === undefined) {
      existing.secretString = secretString;
      for (const stage of stages) this.attach(stage, existing);
      return copyOf(existing);
    }
    if (existing) {
      if (existing.secretString !== secretString) {
        throw clientError(
          'ResourceExistsException',
          `A version with VersionId ${versionId} already exists with a different secret value. ` +
            "You can't modify a secret version; you can only create new versions.",
        );
      }
      return copyOf(existing);
    }
    const withCurrent = this.versions.length === 0 && !stages.includes(AWSCURRENT) ? [...stages, AWSCURRENT] : stages;
    const version: MutableVersion = { versionId, secretString, stages: [], createdAt: this.clock() };
    this.versions.push(version);
    for (const stage of withCurrent) this.attach(stage, version);
    return copyOf(version);
  }

  /**
   * UpdateSecretVersionStage: moves `stage` to `moveTo`, or takes it off `removeFrom`. A label attached to
   * another version may only be moved by naming that version in `removeFrom`.
   */
  moveStage(stage: string, { moveTo, removeFrom }: StageMove): void {
    if (moveTo === undefined && removeFrom === undefined) {
      throw clientError('InvalidParameterException', 'You must specify MoveToVersionId, RemoveFromVersionId, or both.');
    }
    const target = moveTo === undefined ? undefined : this.byId(moveTo);
    const source = removeFrom === undefined ? undefined : this.byId(removeFrom);
    const holder = this.holderOf(stage);

    if (target && holder && holder !== target && source !== holder) {
      const problem =
        source === undefined
          ? `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.versionId}`
          : `Staging label ${stage} is currently attached to version ${holder.versionId}, not to version ${source.versionId}`;
      throw clientError('InvalidParameterException', `${problem}, so you must explicitly reference that version in RemoveFromVersionId.`);
    }
    if (source && holder !== source && holder !== target) {
      throw clientError('InvalidParameterException', `Staging label ${stage} is not attached to version ${source.versionId}.`);
    }
    if (target) this.attach(stage, target);
    else this.detach(stage);
  }

  /** What RotateSecret does before it invokes the rotation function: a new, still empty version labelled AWSPENDING. */
  startRotation(versionId: string): SecretVersion {
    if (this.versions.some((version) => version.versionId === versionId)) {
      throw clientError('ResourceExistsException', `A version with VersionId ${versionId} already exists.`);
    }
    const version: MutableVersion = { versionId, stages: [], createdAt: this.clock() };
    this.versions.push(version);
    this.attach(AWSPENDING, version);
    return copyOf(version);
  }

  private byId(versionId: string): MutableVersion {
    const version = this.versions.find((candidate) => candidate.versionId === versionId);
    if (!version) throw versionNotFound(versionId);
    return version;
  }

  private holderOf(stage: string): MutableVersion | undefined {
    return this.versions.find((version) => version.stages.includes(stage));
  }

  private detach(stage: string): void {
    for (const version of this.versions) version.stages = version.stages.filter((label) => label !== stage);
  }

  /** Attaches a label to one version, taking it from wherever it was; a moved AWSCURRENT leaves AWSPREVIOUS behind. */
  private attach(stage: string, target: MutableVersion): void {
    const holder = this.holderOf(stage);
    if (holder === target) return;
    this.detach(stage);
    target.stages.push(stage);
    if (stage === AWSCURRENT && holder) {
      this.detach(AWSPREVIOUS);
      holder.stages.push(AWSPREVIOUS);
    }
  }
}
