/**
 * The app's credentials as the link sees them. The app is signed in as a user; a credential loss
 * (fault-plan.ts) is a fault decision: from the request its trigger hits on, the authentication in
 * front of the table service (App Service's gateway) refuses the client, until the app signs in
 * again (the world's `sign-in` step). Healing the network signs nobody in: a loss that lasts to
 * the end is the app's outcome, not the network's.
 */
import type { CredentialLoss } from './fault-plan.js';

const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** The status the gateway answers a request with while `loss` holds; undefined when it lets the request pass. */
export function refusalStatus(loss: CredentialLoss, method: string): 401 | 403 | undefined {
  if (loss === 'token-expired') return 401;
  return WRITE_METHODS.has(method.toUpperCase()) ? 403 : undefined;
}
