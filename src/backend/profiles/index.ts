/** The server profiles by name. */
import { ASPNET_PROFILE } from './aspnet.js';
import { NODE_PROFILE } from './node.js';
import { SERVER_PROFILE_NAMES, type ServerProfile, type ServerProfileName } from './profile.js';

const PROFILES: Readonly<Record<ServerProfileName, ServerProfile>> = { node: NODE_PROFILE, aspnet: ASPNET_PROFILE };

/** @throws RangeError naming the known profiles when `name` is not one. */
export function profileNamed(name: string): ServerProfile {
  if (!(SERVER_PROFILE_NAMES as readonly string[]).includes(name))
    throw new RangeError(`profile must be one of ${SERVER_PROFILE_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  return PROFILES[name as ServerProfileName];
}
