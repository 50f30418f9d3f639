// A CEF parser as a SIEM runs it, for tests: header fields split on unescaped pipes, extension values
// running to the next ` key=`, escapes undone.

export function parseCef(line: string): { header: string[]; ext: Record<string, string> } {
  const header: string[] = [];
  let cur = "";
  let i = 0;
  for (; i < line.length && header.length < 7; i++) {
    const c = line[i]!;
    if (c === "\\") cur += line[++i];
    else if (c === "|") {
      header.push(cur);
      cur = "";
    } else cur += c;
  }
  const ext: Record<string, string> = {};
  const re = /(?:^| )([A-Za-z0-9]+)=((?:\\.|[^\\=])*?)(?= [A-Za-z0-9]+=|$)/g;
  for (const m of line.slice(i).matchAll(re)) {
    ext[m[1]!] = m[2]!.replace(/\\(.)/g, (_, e: string) => (e === "n" ? "\n" : e === "r" ? "\r" : e));
  }
  return { header, ext };
}
