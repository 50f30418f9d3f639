// import() of the packages the bundles leave out (age-encryption, the keyring addon, prompts, clipboard,
// image decoders). The bundles run from V8 code caches, and Node 20 drops a cached script's dynamic-import
// hook ("A dynamic import callback was not specified"), so when bin/mfavault.js started us, the import
// runs there, in a module Node compiled itself; otherwise (a bundle required directly) it runs here.
declare const __mfavaultImport: ((specifier: string) => Promise<unknown>) | undefined;

export function importExternal<T>(specifier: string): Promise<T> {
  return (typeof __mfavaultImport === "function" ? __mfavaultImport(specifier) : import(specifier)) as Promise<T>;
}
