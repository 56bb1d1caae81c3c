// The package's root, `import { ProlificWebhookSecretRotation } from 'prolific-webhook-secret-rotation'`: the
// constructs for a CDK app of your own, compiled by tsconfig.construct.json into dist/infra/construct/. The
// functions they deploy come bundled with the package (dist/assets/): the app needs no bundler.
export { ProlificWebhookSecretRotation } from './prolific-webhook-secret-rotation.js';
export type { ProlificWebhookSecretRotationProps, ProlificWorkspace } from './props.js';
export type { SecretFormat } from '../../lambda/contract/secret-formats.js';
export { ExampleReceiver, type ExampleReceiverProps } from '../example-receiver/example-receiver.js';
