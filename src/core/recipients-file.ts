// clients/<vault>/recipients: the declared access list people review in pull requests.
// One engineer name a line; `#` starts a comment; blank lines are ignored.
import { badInput } from "./errors.js";
import { checkName } from "./names.js";

export function parseRecipientsFile(text: string, what: string): string[] {
  const names: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/#.*/, "").trim();
    if (line === "") continue;
    try {
      checkName(line, "engineer name");
    } catch (e) {
      throw badInput(`${what}:${i + 1}: ${(e as Error).message}`);
    }
    if (names.includes(line)) throw badInput(`${what}:${i + 1}: "${line}" is listed twice`);
    names.push(line);
  }
  return names;
}

export function serializeRecipientsFile(vault: string, names: string[]): string {
  const sorted = [...names].sort();
  return `# Engineers who can read the "${vault}" vault. One name a line; change with mfavault grant/revoke.\n${sorted.join("\n")}\n`;
}
