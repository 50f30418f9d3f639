// The review report end to end: real reads, a break-glass opening, an inherited import and a revocation by
// the built CLI, then `status --report json|md|html`; the HTML is rendered by headless Chromium, whose
// screenshot must show every key section with its marking, and whose printout puts each vault on its own page.
import { execa, execaSync } from "execa";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TONE_COLORS } from "../../src/formats/report-html.js";
import { ageDecrypt, readRepoFile, SEEDS, teamWorld, type World } from "../helpers/world.js";

let w: World;
let created: number;
const HOSTILE_REASON = `owner locked out <b>now</b> & "urgent" <script>alert(1)</script>`;
const ok = async (who: string, args: string[], opts: { input?: string; env?: Record<string, string> } = {}) => {
  const r = await w.run(who, args, opts);
  if (r.exitCode !== 0) throw new Error(`${args.join(" ")} exited ${r.exitCode}: ${r.stderr}`);
  return r;
};

beforeAll(async () => {
  w = await teamWorld(["alice", "bob", "carol"]);
  const config = JSON.parse(readRepoFile(w, "mfavault.json"));
  writeFileSync(join(w.repo, "mfavault.json"), JSON.stringify({ ...config, audit: { bulk: { entries: 3, minutes: 60 } }, policy: { rotation: { interval: "1y" } } }, null, 2));
  w.git(["commit", "-qm", "settings", "mfavault.json"]);
  await ok("alice", ["client", "add", "acme", "--grant", "bob,carol", "--require-ticket", "--rotate-every", "90d"]);
  for (const e of ["aws", "gcp", "vpn"]) await ok("alice", ["add", `acme/${e}`, "--secret-stdin", "--issuer", e.toUpperCase()], { input: SEEDS.aws });
  await ok("alice", ["client", "add", "acme/bg", "--sealed", "--tier", "high"]);
  await ok("alice", ["add", "acme/bg/root", "--secret-stdin"], { input: SEEDS.long });
  await ok("alice", ["client", "add", "hooli"]);
  const csv = join(w.dir, "previous.csv");
  writeFileSync(csv, `name,secret,issuer,account\nm365,${SEEDS.github},Microsoft 365,admin\n`);
  await ok("alice", ["import", "hooli", csv, "--inherited"]);
  await ok("carol", ["client", "add", "initech"]);

  await ok("bob", ["code", "acme/aws", "--ticket", "INC-1"]);
  for (const e of ["aws", "gcp", "vpn"]) await ok("carol", ["code", `acme/${e}`], { env: { MFAVAULT_TICKET: "INC-2" } });
  await ok("alice", ["code", "acme/bg/root", "--break-glass", "--reason", HOSTILE_REASON]);
  await ok("alice", ["revoke", "bob", "acme"]);
  created = Date.parse(JSON.parse(ageDecrypt(w, "alice", "clients/acme/vault.age")!).entries.aws.created);
});
afterAll(() => w.cleanup());

/** As of 100 days on: the 90-day schedule of acme is overdue, hooli's inherited seed long past its window. */
const later = () => new Date(created + 100 * 86_400_000).toISOString();

describe("the review report", () => {
  it("answers per client who has access, who read what, the anomalies and where rotation stands (json)", async () => {
    const r = await ok("alice", ["status", "--report", "json", "--since", "120d", "--now", later()]);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ report: "mfavault-review", version: 1, period: { until: later() }, generatedBy: "alice", notReviewed: ["initech"] });
    const acme = report.clients.find((c: any) => c.vault === "acme");
    expect(acme.readers).toEqual(["alice", "carol"]);
    expect(acme.settings).toEqual({ rotation: { interval: "90d" }, requireTicket: true });
    expect(acme.reads.map((x: any) => [x.engineer, x.target, x.code])).toEqual([
      ["bob", "acme/aws", 1],
      ["carol", "acme/aws", 1],
      ["carol", "acme/gcp", 1],
      ["carol", "acme/vpn", 1],
    ]);
    expect(acme.anomalies.unassignedReads).toEqual([expect.objectContaining({ engineer: "bob", vault: "acme", reads: 1 })]);
    expect(acme.anomalies.bulkReads).toEqual([expect.objectContaining({ engineer: "carol", entries: ["acme/aws", "acme/gcp", "acme/vpn"] })]);
    expect(acme.anomalies.readsWithoutTicket).toEqual([]);
    expect(acme.rotation.overdue.map((i: any) => i.entry)).toEqual(["acme/aws", "acme/gcp", "acme/vpn"]);
    expect(acme.rotation.revokedNotRotated.map((i: any) => [i.entry, i.engineers])).toEqual([["acme/aws", ["bob"]], ["acme/gcp", ["bob"]], ["acme/vpn", ["bob"]]]);
    const bg = report.clients.find((c: any) => c.vault === "acme/bg");
    expect(bg.anomalies.breakGlassOpenings).toEqual([expect.objectContaining({ engineer: "alice", target: "acme/bg/root", reason: HOSTILE_REASON })]);
    expect(bg.rotation.breakGlassDue.map((i: any) => i.entry)).toEqual(["acme/bg/root"]);
    expect(bg.rotation.overdue).toEqual([expect.objectContaining({ entry: "acme/bg/root", interval: "90d", tier: "high" })]);
    const hooli = report.clients.find((c: any) => c.vault === "hooli");
    expect(hooli.rotation.inherited).toEqual([expect.objectContaining({ entry: "hooli/m365", overdue: true })]);
    expect(report.clients.find((c: any) => c.vault === "initech")).toMatchObject({ reviewed: false, readers: ["carol"], settings: null });
    expect(report.revocations).toEqual([{ ts: expect.any(String), by: "alice", action: "revoke", engineer: "bob", vaults: ["acme"] }]);
    expect(report.summary).toMatchObject({ vaults: 4, reads: 5, breakGlassOpenings: 1, overdue: 4, inherited: 1, revokedNotRotated: 3, revocations: 1 });
  });

  it("limits reads and anomalies to the period", async () => {
    const r = await ok("alice", ["status", "--report", "json", "--since", "1d", "--now", later()]);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toMatchObject({ reads: 0, anomalies: 0, revocations: 0 });
    expect(report.clients.find((c: any) => c.vault === "acme").rotation.overdue).toHaveLength(3);
  });

  it("writes Markdown with the free text escaped", async () => {
    const r = await ok("alice", ["status", "--report", "md", "--since", "30d"]);
    expect(r.stdout).toMatch(/^# Access review \d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}\n/);
    expect(r.stdout).toContain("## acme/bg");
    expect(r.stdout).toContain("owner locked out \\<b\\>now\\</b\\> \\& \"urgent\" \\<script\\>alert(1)\\</script\\>");
    expect(r.stdout).not.toMatch(/(?<!\\)<(b|script)>/);
  });

  it("writes one self-contained HTML file to --out (mode 0600), nothing else", async () => {
    const out = join(w.dir, "review.html");
    const before = w.git(["rev-parse", "HEAD"]);
    const r = await ok("alice", ["status", "--report", "html", "--since", "120d", "--now", later(), "--out", out]);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`wrote the review report (html) to ${out}`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(w.git(["rev-parse", "HEAD"])).toBe(before);
    const html = readFileSync(out, "utf8");
    expect(html).not.toMatch(/<(script|img|link|iframe|object|embed|a)\b|<[^>]*\s(src|href|on\w+)=|@import|url\(/i);
    expect(html).toContain("owner locked out &lt;b&gt;now&lt;/b&gt; &amp; &quot;urgent&quot; &lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

// Debian's package is "chromium" (.ci/run installs it); a machine without it fails here, it does not skip.
const CHROMIUM = ["chromium", "chromium-browser"].find((c) => execaSync("sh", ["-c", `command -v ${c}`], { reject: false }).exitCode === 0) ?? "chromium";

describe("the HTML report in headless Chromium", () => {
  let dir: string;
  let file: string;
  const chromium = (args: string[]) =>
    execa(CHROMIUM, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", `--user-data-dir=${join(dir, "profile")}`, ...args], {
      reject: false,
      timeout: 60_000,
    });
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mfavault-chromium-"));
    file = join(dir, "review.html");
    await ok("alice", ["status", "--report", "html", "--since", "120d", "--now", later(), "--out", file]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("renders every key section, in the DOM as the browser built it", async () => {
    const r = await chromium(["--dump-dom", `file://${file}`]);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const dom = String(r.stdout);
    for (const id of ["summary", "revocations", "vault-acme", "vault-acme--bg", "vault-hooli", "vault-initech", "not-reviewed"]) expect(dom).toContain(`<section id="${id}"`);
    for (const text of ["Who has access", "Reads in the period", "Anomalies (2)", "Anomalies (1)", "Break-glass openings", "Bulk reads", "Reads by engineers not assigned to the vault", "Rotation state", "Revocations in the period (1)"]) {
      expect(dom).toContain(text);
    }
    expect(dom).toContain("owner locked out &lt;b&gt;now&lt;/b&gt;");
    expect(dom).not.toMatch(/<script|<b>now/);
  });

  it("takes a screenshot that shows each marked section, in order, in its colour", async () => {
    const png = join(dir, "review.png");
    const r = await chromium([`--screenshot=${png}`, "--window-size=1200,8000", "--hide-scrollbars", `file://${file}`]);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const buf = readFileSync(png);
    expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const image = PNG.sync.read(buf);
    expect([image.width, image.height]).toEqual([1200, 8000]);
    const at = (x: number, y: number) => [...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3)];
    let inked = 0;
    for (let y = 0; y < image.height; y += 4) for (let x = 0; x < image.width; x += 4) if (at(x, y).some((c) => c < 200)) inked++;
    expect(inked).toBeGreaterThan(5000);

    // Every toned heading, first badge and warning paragraph draws a solid block of its tone's colour at
    // the left edge of the content (x = 50 + 32): read them top to bottom and compare with the HTML.
    const tones = Object.entries(TONE_COLORS).map(([tone, hex]) => ({ tone, rgb: [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) }));
    const seen: string[] = [];
    let last: string | null = null;
    for (let y = 0; y < image.height; y++) {
      const px = at(85, y);
      const tone = tones.find((t) => t.rgb.every((c, i) => c === px[i]))?.tone ?? null;
      if (tone !== null && tone !== last) seen.push(tone);
      last = tone;
    }
    const html = readFileSync(file, "utf8");
    const expected = [...html.matchAll(/<h[23] class="tone-(\w+)"|<ul class="badges"><li class="badge tone-(\w+)"|<p class="tone-(\w+)"/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
    expect(seen).toEqual(expected);
    expect(seen.filter((t) => t === "alert").length).toBeGreaterThanOrEqual(3);
    expect(seen).toContain("warn");
  });

  it("prints each vault on its own page", async () => {
    const pdf = join(dir, "review.pdf");
    const r = await chromium(["--no-pdf-header-footer", `--print-to-pdf=${pdf}`, `file://${file}`]);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(existsSync(pdf)).toBe(true);
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    const pages = (bytes.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(5);
  });
});
