// The acting engineer in a vault repository: the repo root and settings, their identity, their team card
// and the signing key derived from the identity.
import type { Card } from "../core/card.js";
import { failure, noAccess, notFound } from "../core/errors.js";
import { parseRepoConfig, type RepoConfig } from "../core/repo-config.js";
import { recipientOf } from "../crypto/age-file.js";
import { deriveSigningKey, type AgeIdentity, type SigningKey } from "../crypto/keys.js";
import { loadIdentities, type AskPassphrase } from "../identity/sources.js";
import { CONFIG_FILE } from "./layout.js";
import { readTeam } from "./team-store.js";
import { LIMITS, readRepoText } from "./repo-file.js";

export interface Repo {
  root: string;
  config: RepoConfig;
  /** The clock every timestamp comes from (injected, so tests and TOTP windows are deterministic). */
  now: () => Date;
}

export interface Session extends Repo {
  identity: AgeIdentity;
  signingKey: SigningKey;
  me: Card;
  team: Map<string, Card>;
}

export function openRepo(root: string, now: () => Date): Repo {
  return { root, now, config: parseRepoConfig(readRepoText(root, CONFIG_FILE, LIMITS.config)) };
}

export async function openSession(root: string, env: NodeJS.ProcessEnv, now: () => Date, ask?: AskPassphrase): Promise<Session> {
  const repo = openRepo(root, now);
  const identities = await loadIdentities(env, ask);
  const team = readTeam(root);
  for (const identity of identities) {
    const recipient = await recipientOf(identity);
    const me = [...team.values()].find((c) => c.recipient === recipient);
    if (!me) continue;
    if (me.status !== "active") throw noAccess(`your identity belongs to "${me.name}", whose card is ${me.status}: an active team member must run "mfavault team add ${me.name}"`);
    const signingKey = deriveSigningKey(identity);
    if (signingKey.publicKey !== me.signingKey) {
      throw failure(`team/${me.name}.json has a signing key that was not derived from this identity: re-create the card with "mfavault identity card"`);
    }
    return { ...repo, identity, signingKey, me, team };
  }
  throw notFound(
    `your identity (${identities[0]!.recipient.slice(0, 20)}…) matches no card in team/: ask a team member to add you with "mfavault team add", or check MFAVAULT_IDENTITY_FILE`,
  );
}
