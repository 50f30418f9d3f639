// `mfavault completion bash|zsh|fish` prints a completion script; the script asks the hidden
// `mfavault __complete -- <words…>` for candidates: commands and flags from the command tree itself,
// vault paths, entry addresses and engineer names from the cached names (complete-names.ts).
import type { Argument, Command, Option } from "commander";
import { usageError } from "../core/errors.js";
import { findRoot } from "../repo/find-root.js";
import { completionNames, type CompletionNames } from "./complete-names.js";
import type { Ctx } from "./context.js";

const SHELLS = ["bash", "zsh", "fish"] as const;

const SCRIPTS: Record<(typeof SHELLS)[number], string> = {
  bash: `# mfavault completion for bash. Add to ~/.bashrc:  eval "$(mfavault completion bash)"
_mfavault() {
  local IFS=$'\\n'
  COMPREPLY=($(mfavault __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
  if [[ \${#COMPREPLY[@]} -eq 1 && \${COMPREPLY[0]} == */ ]]; then compopt -o nospace 2>/dev/null; fi
}
complete -o default -F _mfavault mfavault
`,
  zsh: `#compdef mfavault
# mfavault completion for zsh. Add to ~/.zshrc (after compinit):  eval "$(mfavault completion zsh)"
_mfavault() {
  local -a out dirs plain
  out=("\${(@f)$(mfavault __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  out=(\${out:#})
  dirs=(\${(M)out:#*/})
  plain=(\${out:#*/})
  (( \${#plain} )) && compadd -- "\${plain[@]}"
  (( \${#dirs} )) && compadd -S '' -- "\${dirs[@]}"
  (( \${#out} )) || _files
}
compdef _mfavault mfavault
`,
  fish: `# mfavault completion for fish. Save as ~/.config/fish/completions/mfavault.fish:
#   mfavault completion fish > ~/.config/fish/completions/mfavault.fish
function __mfavault_complete
    set -l tokens (commandline -opc) (commandline -ct)
    mfavault __complete -- $tokens[2..-1] 2>/dev/null
end
complete -c mfavault -f -a '(__mfavault_complete)'
`,
};

const visibleCommands = (c: Command) => c.commands.filter((sub) => !(sub as unknown as { _hidden?: boolean })._hidden);
const longFlags = (c: Command) => c.options.filter((o: Option) => !o.hidden && o.long).map((o: Option) => o.long!);
const takesValue = (c: Command, flag: string) => c.options.some((o: Option) => o.long === flag && (o.required || o.optional));

/** What a positional argument holds, from its name: the other verbs' arguments are named the same way. */
function argumentNames(arg: Argument | undefined, names: CompletionNames, command: string): string[] {
  const name = arg?.name() ?? "";
  if (command === "completion") return [...SHELLS];
  if (/address|entry|^from$|^to$/.test(name)) return [...names.entries, ...names.entries.map((e) => e.slice(0, e.lastIndexOf("/") + 1))];
  if (/vault|client|scope/.test(name)) return names.vaults;
  if (/card/.test(name)) return names.pending;
  if (/engineer|member|who|name/.test(name)) return names.engineers;
  return [];
}

export async function completeWords(ctx: Ctx, program: Command, words: string[]): Promise<string[]> {
  const current = words[words.length - 1] ?? "";
  const before = words.slice(0, -1);
  let command = program;
  let path: string[] = [];
  let positional = 0;
  let vault = ctx.global.vault;
  for (let i = 0; i < before.length; i++) {
    const w = before[i]!;
    if (w === "--vault") vault = before[i + 1];
    else if (w.startsWith("--vault=")) vault = w.slice(8);
    if (w.startsWith("-")) {
      if (!w.includes("=") && (takesValue(command, w) || takesValue(program, w))) i++;
      continue;
    }
    const sub = visibleCommands(command).find((c) => c.name() === w || c.aliases().includes(w));
    if (sub && positional === 0) {
      command = sub;
      path = [...path, w];
    } else positional++;
  }
  const previous = before[before.length - 1];
  let candidates: string[];
  const names = async () => {
    try {
      return await completionNames(findRoot(vault, ctx.io.env, ctx.io.cwd), ctx.io.env);
    } catch {
      return { key: "", vaults: [], engineers: [], pending: [], entries: [], complete: false };
    }
  };
  if (previous?.startsWith("--") && (takesValue(command, previous) || takesValue(program, previous))) {
    // A flag's value: engineers for --grant, else leave it to the shell (files, directories).
    candidates = /grant|engineer/.test(previous) ? (await names()).engineers : [];
  } else if (current.startsWith("-")) {
    candidates = [...longFlags(command), ...(command === program ? [] : longFlags(program)), "--help"];
  } else if (visibleCommands(command).length > 0 && positional === 0) {
    candidates = visibleCommands(command).map((c) => c.name());
  } else {
    const args = (command as unknown as { registeredArguments: Argument[] }).registeredArguments ?? [];
    const arg = args[Math.min(positional, args.length - 1)];
    candidates = argumentNames(arg, await names(), path.join(" "));
  }
  return [...new Set(candidates)].filter((c) => c.startsWith(current)).sort();
}

export function defineCompletion(program: Command, ctx: Ctx): void {
  program
    .command("completion")
    .description("print a shell completion script: commands, flags, vaults and the entries you can read")
    .argument("<shell>", "bash, zsh or fish")
    .addHelpText(
      "after",
      '\nEntry names are cached (never seeds) under $XDG_CACHE_HOME/mfavault, mode 0600, and refreshed when a vault changes.\n\nExamples:\n  eval "$(mfavault completion bash)"      # in ~/.bashrc\n  eval "$(mfavault completion zsh)"       # in ~/.zshrc, after compinit\n  mfavault completion fish > ~/.config/fish/completions/mfavault.fish',
    )
    .action((shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) throw usageError(`no completion for "${shell}": choose bash, zsh or fish`);
      ctx.io.out(SCRIPTS[shell as (typeof SHELLS)[number]]);
    });
  program
    .command("__complete", { hidden: true })
    .description("candidates for the word being completed (used by the completion scripts)")
    .argument("[words...]", "the command line after mfavault, the last word being completed")
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[]) => {
      const out = await completeWords(ctx, program, words.length ? words : [""]);
      if (out.length) ctx.io.out(`${out.join("\n")}\n`);
    });
}
