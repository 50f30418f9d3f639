// The environment of the processes mfavault starts (git, sync, clipboard tools, dbus-send): the user's,
// without the secret identity. MFAVAULT_IDENTITY (CI) holds the whole age secret; a child inherits it
// only when a caller hands it over on purpose in `extra` (sync, to its merge driver), because a child's
// environment is readable in /proc by the user's other processes and passed on to whatever it starts.

const SECRET_VARIABLES = ["MFAVAULT_IDENTITY"];

export function childEnv(extra: Record<string, string> = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of SECRET_VARIABLES) delete env[name];
  return Object.assign(env, extra);
}
