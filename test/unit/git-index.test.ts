// The index reader of the fast audit commit, held to what git itself says about the same index files:
// entry order and paths (git ls-files), prefix ranges, cache-tree nodes along a path (git ls-tree), and
// a refusal (null) for every index shape it does not model.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryPath, findEntry, parseIndex, prefixRange } from "../../src/repo/git-index.js";

let repo: string;
const env = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.invalid", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.invalid", GIT_CONFIG_NOSYSTEM: "1" };
const git = (args: string[], input?: string) => execFileSync("git", args, { cwd: repo, env, input, encoding: "utf8" });
const index = () => readFileSync(join(repo, ".git/index"));
const TARGET = "audit/alice/2026-11.jsonl";

// Names that sort around "audit/" and "audit/alice/" in git's byte order, and a hundred vaults.
const FILES = [
  ".gitattributes",
  "audit-notes.md",
  "audit.md",
  "audit/alice-notes/x",
  "audit/alice.md",
  "audit/alice/2026-10.jsonl",
  TARGET,
  "audit/alice0/x",
  "audit/bob/2026-11.jsonl",
  "audit0/x",
  "mfavault.json",
  "team/alice.json",
  ...Array.from({ length: 100 }, (_, i) => `clients/v${String(i).padStart(3, "0")}/vault.age`),
  "clients/v007/prod/vault.age",
];

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "mfavault-index-"));
  git(["init", "-q", "-b", "main"]);
  for (const f of FILES) {
    mkdirSync(join(repo, f, ".."), { recursive: true });
    writeFileSync(join(repo, f), `${f}\n`);
  }
  git(["add", "-A"]);
  git(["commit", "-q", "-m", "files"]);
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("the index as entry offsets", () => {
  it("lists the entries git lists, in git's order", () => {
    const idx = parseIndex(index(), TARGET)!;
    const listed = git(["ls-files", "-z"]).split("\0").filter(Boolean);
    expect(idx.offsets.length).toBe(listed.length);
    expect(Array.from(idx.offsets, (_, i) => entryPath(idx, i))).toEqual(listed);
    for (const f of FILES) expect(listed[findEntry(idx, f)]).toBe(f);
    expect(findEntry(idx, "audit/alice/2026-12.jsonl")).toBe(-1);
    expect(findEntry(idx, "audit/alice")).toBe(-1);
  });

  it("finds the entries under a directory by binary search", () => {
    const idx = parseIndex(index(), TARGET)!;
    const listed = git(["ls-files", "-z"]).split("\0").filter(Boolean);
    for (const dir of ["", "audit/", "audit/alice/", "clients/", "clients/v007/", "team/", "nothing/"]) {
      const [lo, hi] = prefixRange(idx, Buffer.from(dir));
      const want = listed.map((f, i) => [f, i] as const).filter(([f]) => f.startsWith(dir));
      expect(hi - lo).toBe(want.length);
      if (want.length) expect(lo).toBe(want[0]![1]);
    }
  });

  it("decodes the cache-tree nodes along the path, with git's tree ids, and only headers beside them", () => {
    const idx = parseIndex(index(), TARGET)!;
    const tree = idx.tree!;
    const lsTree = (path: string) =>
      git(["ls-tree", path ? `HEAD:${path}` : "HEAD"])
        .split("\n")
        .filter((l) => l.includes(" tree "))
        .map((l) => `${l.split("\t")[1]} ${l.split(" ")[2]!.slice(0, 40)}`)
        .sort();
    // The cache-tree keeps children in the order git made them, not sorted: compare as sets.
    const named = (nodes: { name: string; sha: Buffer | null }[]) => nodes.map((c) => `${c.name} ${c.sha!.toString("hex")}`).sort();
    expect(tree.sha!.toString("hex")).toBe(git(["rev-parse", "HEAD^{tree}"]).trim());
    expect(named(tree.children)).toEqual(lsTree(""));
    const audit = tree.children.find((c) => c.name === "audit")!;
    expect(named(audit.children)).toEqual(lsTree("audit"));
    expect(audit.children.find((c) => c.name === "alice")!.entryCount).toBe(2);
    // clients/ is off the path: its hundred subtrees were stepped over.
    expect(tree.children.find((c) => c.name === "clients")!.children).toEqual([]);
    expect(tree.children.find((c) => c.name === "clients")!.entryCount).toBe(101);
  });

  it("reads an invalidated cache-tree node (a staged change) as such", () => {
    writeFileSync(join(repo, "audit.md"), "changed\n");
    git(["add", "audit.md"]);
    const idx = parseIndex(index(), TARGET)!;
    expect(idx.tree!.entryCount).toBe(-1);
    expect(idx.tree!.sha).toBeNull();
    git(["commit", "-q", "-m", "changed"]);
    expect(parseIndex(index(), TARGET)!.tree!.entryCount).toBe(FILES.length);
  });

  it("refuses what it does not model: a conflict, an intent-to-add entry, index version 4", () => {
    const blob = git(["hash-object", "-w", "--stdin"], "x\n").trim();
    git(["update-index", "--index-info"], `100644 ${blob} 1\tconflict.txt\n100644 ${blob} 2\tconflict.txt\n`);
    expect(parseIndex(index(), TARGET)).toBeNull();
    git(["update-index", "--force-remove", "conflict.txt"]);
    expect(parseIndex(index(), TARGET)).not.toBeNull();

    writeFileSync(join(repo, "later.txt"), "later\n");
    git(["add", "-N", "later.txt"]);
    expect(parseIndex(index(), TARGET)).toBeNull();
    git(["rm", "-q", "--cached", "later.txt"]);
    expect(parseIndex(index(), TARGET)).not.toBeNull();

    git(["update-index", "--index-version", "4"]);
    expect(parseIndex(index(), TARGET)).toBeNull();
    git(["update-index", "--index-version", "2"]);
    expect(parseIndex(index(), TARGET)).not.toBeNull();
  });

  it("refuses a truncated index rather than read past its end", () => {
    const raw = index();
    for (const cut of [20, 100, Math.floor(raw.length / 2)]) {
      const parsed = parseIndex(raw.subarray(0, cut), TARGET);
      if (parsed) expect(parsed.offsets.length).toBeLessThan(FILES.length);
      else expect(parsed).toBeNull();
    }
  });

  it("never throws on a damaged index: null, or entries that lie inside the bytes", () => {
    const raw = index();
    const runs = Number(process.env.MFAVAULT_FUZZ_RUNS ?? 300);
    const damage = fc.record({
      cut: fc.nat({ max: raw.length }),
      flips: fc.array(fc.record({ at: fc.nat({ max: raw.length - 1 }), byte: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
    });
    fc.assert(
      fc.property(damage, ({ cut, flips }) => {
        const bytes = Buffer.from(raw);
        for (const f of flips) bytes[f.at] = f.byte;
        const idx = parseIndex(bytes.subarray(0, Math.max(cut, 32)), TARGET);
        if (!idx) return;
        for (const o of idx.offsets) expect(o + 62).toBeLessThanOrEqual(idx.raw.length);
        const e = findEntry(idx, TARGET);
        if (e >= 0) expect(entryPath(idx, e)).toBe(TARGET);
        prefixRange(idx, Buffer.from("audit/"));
      }),
      { numRuns: runs },
    );
  });
});
