// Finding the entry a person meant by a partial address (`aws`, `prod/aws`, `acmaws`): used on a terminal
// only; scripts get exact addresses. The best non-empty tier wins: the entry's own name, then the end
// of the address, then a substring, then the characters in order.

export function fuzzyMatches(query: string, paths: string[]): string[] {
  const q = query.toLowerCase();
  const tiers: ((p: string) => boolean)[] = [
    (p) => p.slice(p.lastIndexOf("/") + 1) === q,
    (p) => p.endsWith(`/${q}`),
    (p) => p.includes(q),
    (p) => inOrder(q, p),
  ];
  for (const tier of tiers) {
    const hits = paths.filter(tier);
    if (hits.length > 0) return hits.sort();
  }
  return [];
}

function inOrder(q: string, p: string): boolean {
  let i = 0;
  for (const c of p) if (c === q[i]) i++;
  return i === q.length;
}
