import type { Command, Option } from "commander";
import { emit } from "../output.js";
import type { Io } from "../io.js";

/** The shells `burnrate completion` writes for (the command's argument choices). */
export type Shell = "bash" | "zsh" | "fish";

/** What a shell needs to know of one option: its names, whether it takes a value, and which values when they are fixed. */
interface OptionSpec {
  long: string | undefined;
  short: string | undefined;
  description: string;
  takesValue: boolean;
  choices: readonly string[] | undefined;
}

interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
  /** Fixed values of the first argument (completion's own shells), if any. */
  choices: readonly string[] | undefined;
}

/** The command tree as commander holds it: what is completed is what the parser accepts, with no list kept by hand. */
function commandsOf(program: Command): CommandSpec[] {
  const option = (o: Option): OptionSpec => ({
    long: o.long, short: o.short, description: o.description, takesValue: o.required || o.optional, choices: o.argChoices,
  });
  return program.commands.map((c) => ({
    name: c.name(),
    description: c.description(),
    options: [...c.options.filter((o) => !o.hidden).map(option), { long: "--help", short: "-h", description: "display help for command", takesValue: false, choices: undefined }],
    choices: c.registeredArguments[0]?.argChoices,
  }));
}

const firstLine = (text: string) => text.split("\n")[0]!;
const single = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const names = (o: OptionSpec) => [o.long, o.short].filter((n): n is string => n !== undefined);

function bash(program: Command, commands: CommandSpec[]): string {
  const top = [...commands.map((c) => c.name), "--help", "--version"].join(" ");
  const cases = commands.map((c) => {
    const values = c.options.filter((o) => o.takesValue);
    const withChoices = values.filter((o) => o.choices);
    const files = values.filter((o) => !o.choices).flatMap(names);
    return [
      `    ${c.name})`,
      "      case \"$prev\" in",
      ...withChoices.map((o) => `        ${names(o).join("|")}) COMPREPLY=($(compgen -W ${single(o.choices!.join(" "))} -- "$cur")); return ;;`),
      ...(files.length > 0 ? [`        ${files.join("|")}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`] : []),
      "      esac",
      `      words=${single(c.options.flatMap(names).join(" "))}`,
      ...(c.choices ? [`      [[ $cur != -* ]] && COMPREPLY=($(compgen -W ${single(c.choices.join(" "))} -- "$cur")) && return`] : []),
      "      ;;",
    ].join("\n");
  });
  return `# bash completion for ${program.name()}: source <(${program.name()} completion bash), or save it in
# /etc/bash_completion.d/ or ~/.local/share/bash-completion/completions/${program.name()}
_${program.name()}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" words=""
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W ${single(top)} -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases.join("\n")}
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _${program.name()} ${program.name()}
`;
}

function zsh(program: Command, commands: CommandSpec[]): string {
  // _arguments specs: brackets and colons in a description would end it early.
  const text = (t: string) => firstLine(t).replace(/[[\]:\\]/g, (c) => `\\${c}`);
  const spec = (o: OptionSpec) => {
    const value = !o.takesValue ? "" : o.choices ? `:${o.long?.slice(2) ?? "value"}:(${o.choices.join(" ")})` : ":file:_files";
    const described = (n: string) => single(`${n}[${text(o.description)}]${value}`);
    return names(o).map(described).join(" ");
  };
  const cases = commands.map((c) => {
    const argument = c.choices ? ` ${single(`1:${c.name}:(${c.choices.join(" ")})`)}` : ` ${single("*:file:_files")}`;
    return `    ${c.name}) _arguments ${c.options.map(spec).join(" ")}${argument} ;;`;
  });
  return `#compdef ${program.name()}
# zsh completion for ${program.name()}: source <(${program.name()} completion zsh) after compinit, or save it
# as _${program.name()} in a folder of $fpath
_${program.name()}() {
  local -a commands
  commands=(
${commands.map((c) => `    ${single(`${c.name}:${text(c.description)}`)}`).join("\n")}
  )
  if (( CURRENT == 2 )); then
    _describe command commands
    return
  fi
  local command=$words[2]
  shift words
  (( CURRENT-- ))
  case $command in
${cases.join("\n")}
  esac
}
compdef _${program.name()} ${program.name()}
`;
}

function fish(program: Command, commands: CommandSpec[]): string {
  const name = program.name();
  const lines = [
    `# fish completion for ${name}: ${name} completion fish > ~/.config/fish/completions/${name}.fish`,
    `complete -c ${name} -f`,
    ...commands.map((c) => `complete -c ${name} -n __fish_use_subcommand -a ${c.name} -d ${single(firstLine(c.description))}`),
  ];
  for (const c of commands) {
    const when = `-n ${single(`__fish_seen_subcommand_from ${c.name}`)}`;
    if (c.choices) lines.push(`complete -c ${name} ${when} -a ${single(c.choices.join(" "))}`);
    else lines.push(`complete -c ${name} ${when} -F`);
    for (const o of c.options) {
      const flags = [o.long ? `-l ${o.long.slice(2)}` : "", o.short ? `-s ${o.short.slice(1)}` : ""].filter(Boolean).join(" ");
      const value = !o.takesValue ? "" : o.choices ? ` -x -a ${single(o.choices.join(" "))}` : " -r -F";
      lines.push(`complete -c ${name} ${when} ${flags}${value} -d ${single(firstLine(o.description))}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** `burnrate completion SHELL`: a completion script for the shell, made from the program's own commands and options. */
export async function completion(shell: Shell, program: Command, io: Io): Promise<void> {
  const commands = commandsOf(program);
  const scripts: Record<Shell, () => string> = { bash: () => bash(program, commands), zsh: () => zsh(program, commands), fish: () => fish(program, commands) };
  await emit(scripts[shell](), undefined, io);
}
