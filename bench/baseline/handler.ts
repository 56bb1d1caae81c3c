// The rotation function a team would otherwise write, for the benchmark to compare against: for each
// workspace in turn, ask Prolific for a new secret and put its answer in Secrets Manager. Nothing else:
// none of the protocol's safety steps (no write check before the POST, no AWSPENDING, no confirming GET,
// no reconcile, no retries, no rotation event, no logs or metrics), and the API token in the environment.
// Never deploy it; it exists to be measured.
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const secretsManager = new SecretsManagerClient({});

interface Target {
  readonly workspaceId: string;
  readonly secretId: string;
}

export async function handler(): Promise<{ rotated: number }> {
  const targets = JSON.parse(process.env.ROTATION_TARGETS ?? '[]') as Target[];
  for (const { workspaceId, secretId } of targets) {
    const response = await fetch(`${process.env.PROLIFIC_API_BASE_URL}/api/v1/hooks/secrets/`, {
      method: 'POST',
      headers: { authorization: `Token ${process.env.PROLIFIC_API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workspace_id: workspaceId }),
    });
    if (!response.ok) throw new Error(`Prolific answered ${response.status} for workspace ${workspaceId}`);
    const secret: unknown = await response.json();
    await secretsManager.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(secret) }));
  }
  return { rotated: targets.length };
}
