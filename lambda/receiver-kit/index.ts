// The receiver kit: verify Prolific's webhook deliveries with the signing secret this project keeps in
// Secrets Manager, across rotations. Import it as `<package>/receiver`; the middy middleware is
// `<package>/receiver/middleware`, so that the plain function needs neither middy nor Lambda's types.
export type { StagingLabel } from '../contract/staging-labels.js';
export { ReceiverSecretError } from './errors.js';
export {
  createDeliveryVerifier,
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  signDelivery,
  TIMESTAMP_HEADER,
  verifyDelivery,
  type AcceptedDelivery,
  type Delivery,
  type DeliveryRejection,
  type DeliveryVerification,
  type DeliveryVerifier,
  type DeliveryVerifierOptions,
  type VerifiedForm,
} from './verify-delivery.js';
