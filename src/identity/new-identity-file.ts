// Writing an identity to a new file: its directory made private, the file created with mode 0600 from
// the first byte, and an existing file (an identity) never overwritten.
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { failure } from "../core/errors.js";

export function writeNewIdentityFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw failure(`${path} already exists: refusing to overwrite an identity`);
    throw e;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}
