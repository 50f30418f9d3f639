// Finding the vault repository: --vault DIR, else MFAVAULT_DIR, else the nearest parent with mfavault.json.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { notFound } from "../core/errors.js";
import { CONFIG_FILE } from "./layout.js";

export function findRoot(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const given = explicit ?? env.MFAVAULT_DIR;
  if (given) {
    const dir = resolve(cwd, given);
    if (!existsSync(join(dir, CONFIG_FILE))) {
      throw notFound(`${dir} is not a vault repository (no ${CONFIG_FILE}): create one with "mfavault init ${given}"`);
    }
    return dir;
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, CONFIG_FILE))) return dir;
    if (dirname(dir) === dir) break;
  }
  throw notFound(`no vault repository here: pass --vault DIR, set MFAVAULT_DIR, or run "mfavault init DIR"`);
}
