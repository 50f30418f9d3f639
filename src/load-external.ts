// import() of the packages the bundles leave out (age-encryption, the keyring addon, prompts, clipboard,
// image decoders). The lean bundle runs from a V8 code cache, and Node 20 drops a cached script's
// dynamic-import hook ("A dynamic import callback was not specified"), so when bin/mfavault.js started
// us, the import runs there, in a module Node compiled itself; the full CLI imports directly.
declare const __mfavaultImport: ((specifier: string) => Promise<unknown>) | undefined;

export function importExternal<T>(specifier: string): Promise<T> {
  return (typeof __mfavaultImport === "function" ? __mfavaultImport(specifier) : import(specifier)) as Promise<T>;
}
