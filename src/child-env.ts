// The environment of the processes mfavault starts (git, sync, clipboard tools, dbus-send): the user's,
// without the secret identity.
// MFAVAULT_IDENTITY (CI) holds the whole age secret; no child needs it, and a child's environment is
// readable in /proc by the user's other processes and copied into whatever that child starts in turn.

const SECRET_VARIABLES = ["MFAVAULT_IDENTITY"];

export function childEnv(extra: Record<string, string> = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...extra };
  for (const name of SECRET_VARIABLES) delete env[name];
  return env;
}
