// Account commands in RUN instructions (useradd, adduser, groupadd, addgroup): names, IDs, groups.
import type { DocumentModel, InstructionInfo } from '../model/document-model';
import { inStageChain, type Stage } from '../model/stages';
import type { Word } from '../shell/lexer';
import { perCommand } from '../shell/memo';
import type { SimpleCommand } from '../shell/parser';
import { effectiveWords, programName } from '../shell/query';
import { copyOperands, isWithin, joinPath, workdirBefore } from './copy-paths';

/** The account tools whose arguments we understand. */
export type AccountTool = 'useradd' | 'adduser' | 'groupadd' | 'addgroup';

/** What one account command does. */
export interface AccountCommand {
  command: SimpleCommand;
  /** The program word (`useradd`, …) after wrappers such as `sudo`. */
  programWord: Word;
  tool: AccountTool;
  /** `membership` = an existing user is added to an existing group (`adduser app docker`). */
  creates: 'user' | 'group' | 'membership';
  /** The user or group name, or null when it is missing or not a literal. */
  name: string | null;
  /** For `membership`: the group the user joins. */
  group: string | null;
  /** The literal numeric UID (users) or GID (groups) that was requested, else null. */
  id: string | null;
  /** The word holding the requested ID (literal or not), or null when none was given. */
  idWord: Word | null;
  /** Users: the primary group as written (name or number), or null when left to defaults. */
  primaryGroup: string | null;
  /**
   * Users: useradd also creates a group named like the user (no `-g`, no `-N`; Debian's and
   * Alpine's login.defs enable USERGROUPS_ENAB). Its GID is not known.
   */
  userGroup: boolean;
  /** Users: supplementary groups were requested (`useradd -G`). */
  supplementaryGroups: boolean;
  /** useradd `-l`/`--no-log-init`. */
  noLogInit: boolean;
  /**
   * True when the account may not end up as written: duplicate IDs allowed (`-o`), an ID that
   * `groupadd -f` may replace, another root directory (`-R`, `-P`), or an unknown option.
   */
  uncertain: boolean;
}

interface OptionSpec {
  /** Short options that take a value (without the dash). */
  shortValue: string;
  /** Short options without a value. */
  shortFlag: string;
  longValue: ReadonlySet<string>;
  longFlag: ReadonlySet<string>;
}

// Option tables follow the man pages of shadow-utils (useradd, groupadd), Debian's adduser and
// addgroup, and BusyBox's adduser/addgroup (Alpine), which share the program names.
const SPECS: Record<AccountTool, OptionSpec> = {
  useradd: {
    shortValue: 'bcdefgGkKpPRsuZ',
    shortFlag: 'DhlmMNorUF',
    longValue: new Set(['base-dir', 'comment', 'home-dir', 'expiredate', 'inactive', 'gid', 'groups', 'skel', 'key', 'password', 'root', 'prefix', 'shell', 'uid', 'selinux-user', 'selinux-range']),
    longFlag: new Set(['defaults', 'help', 'no-log-init', 'create-home', 'no-create-home', 'no-user-group', 'non-unique', 'system', 'user-group', 'btrfs-subvolume-home', 'add-subids-for-system']),
  },
  groupadd: {
    shortValue: 'gKpPRU',
    shortFlag: 'fhor',
    longValue: new Set(['gid', 'key', 'password', 'root', 'prefix', 'users']),
    longFlag: new Set(['force', 'help', 'non-unique', 'system']),
  },
  adduser: {
    // BusyBox: -h DIR, -g GECOS, -s SHELL, -G GROUP, -u UID, -k SKEL, -S, -D, -H.
    shortValue: 'hgsGuk',
    shortFlag: 'SDHq',
    longValue: new Set(['home', 'shell', 'uid', 'firstuid', 'lastuid', 'gecos', 'comment', 'ingroup', 'gid', 'conf', 'firstgid', 'lastgid', 'key']),
    longFlag: new Set([
      'system', 'group', 'no-create-home', 'disabled-password', 'disabled-login', 'quiet', 'debug', 'verbose', 'force-badname',
      'allow-badname', 'allow-bad-names', 'allow-all-names', 'add-extra-groups', 'add_extra_groups', 'encrypt-home', 'extrausers', 'no-preserve-home',
    ]),
  },
  addgroup: {
    shortValue: 'g',
    shortFlag: 'Sq',
    longValue: new Set(['gid', 'conf', 'firstgid', 'lastgid', 'key']),
    longFlag: new Set(['system', 'quiet', 'debug', 'verbose', 'force-badname', 'allow-badname', 'allow-bad-names', 'allow-all-names', 'extrausers']),
  },
};

interface ParsedOption {
  /** `u` for `-u`, `uid` for `--uid`. */
  name: string;
  long: boolean;
  value: string | null;
  valueWord: Word | null;
}

interface ParsedArgs {
  options: ParsedOption[];
  operands: Word[];
  /** An option that is not in the table: operands may be misread. */
  unknown: boolean;
}

/** getopt-style parsing: clusters (`-rmu 1000`), attached values (`-u1000`, `--uid=1000`), `--`. */
function parseArgs(words: Word[], spec: OptionSpec): ParsedArgs {
  const options: ParsedOption[] = [];
  const operands: Word[] = [];
  let unknown = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as Word;
    const v = w.value;
    if (v === '--') {
      operands.push(...words.slice(i + 1));
      break;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq >= 0 ? v.slice(2, eq) : v.slice(2);
      if (spec.longValue.has(name)) {
        if (eq >= 0) options.push({ name, long: true, value: v.slice(eq + 1), valueWord: w });
        else {
          const next = words[i + 1] ?? null;
          options.push({ name, long: true, value: next?.value ?? null, valueWord: next });
          i++;
        }
      } else if (spec.longFlag.has(name)) options.push({ name, long: true, value: null, valueWord: null });
      else unknown = true;
      continue;
    }
    if (v.startsWith('-') && v.length > 1) {
      for (let k = 1; k < v.length; k++) {
        const c = v[k] as string;
        if (spec.shortValue.includes(c)) {
          if (k + 1 < v.length) options.push({ name: c, long: false, value: v.slice(k + 1), valueWord: w });
          else {
            const next = words[i + 1] ?? null;
            options.push({ name: c, long: false, value: next?.value ?? null, valueWord: next });
            i++;
          }
          break;
        }
        if (spec.shortFlag.includes(c)) options.push({ name: c, long: false, value: null, valueWord: null });
        else unknown = true;
      }
      continue;
    }
    operands.push(w);
  }
  return { options, operands, unknown };
}

function literal(word: Word | null | undefined): string | null {
  return word && !word.hasExpansion && word.value !== '' ? word.value : null;
}

/** An option's value when it is written literally (no `$VAR`). */
function literalValue(option: ParsedOption | undefined): string | null {
  if (!option || option.value === null || option.valueWord?.hasExpansion) return null;
  return option.value;
}

function numeric(value: string | null): string | null {
  return value !== null && /^\d+$/.test(value) ? String(Number(value)) : null;
}

/** The programs {@link accountCommand} reads. */
const ACCOUNT_TOOLS: ReadonlySet<string> = new Set<AccountTool>(['useradd', 'adduser', 'groupadd', 'addgroup']);

/** Whether a command runs useradd, adduser, groupadd or addgroup (whatever its arguments). */
export function runsAccountTool(cmd: SimpleCommand): boolean {
  return ACCOUNT_TOOLS.has(programName(cmd));
}

/** Recognises useradd/adduser/groupadd/addgroup and reads what it creates. Null for anything else. */
export function accountCommand(cmd: SimpleCommand): AccountCommand | null {
  // The program name (memoized per command) settles every command that runs no account tool,
  // which is nearly all of them: no memo cell for those.
  return runsAccountTool(cmd) ? accountCommandOf(cmd) : null;
}

// Several rules ask about every command: read each command once.
const accountCommandOf = perCommand(readAccountCommand);

function readAccountCommand(cmd: SimpleCommand): AccountCommand | null {
  const words = effectiveWords(cmd);
  const programWord = words[0];
  const tool = programName(cmd);
  if (!programWord || (tool !== 'useradd' && tool !== 'adduser' && tool !== 'groupadd' && tool !== 'addgroup')) return null;
  const args = parseArgs(words.slice(1), SPECS[tool]);
  const has = (...names: string[]): boolean => args.options.some((o) => names.includes(o.name));
  /** The last occurrence of an option wins. */
  const option = (...names: string[]): ParsedOption | undefined => {
    for (let k = args.options.length - 1; k >= 0; k--) {
      const o = args.options[k] as ParsedOption;
      if (names.includes(o.name)) return o;
    }
    return undefined;
  };
  // `useradd -D` edits defaults; `--help` prints and exits: neither creates anything.
  if (has('help') || (tool !== 'adduser' && has('h')) || (tool === 'useradd' && has('D', 'defaults'))) return null;
  let uncertain = args.unknown || has('R', 'root', 'P', 'prefix', 'o', 'non-unique');
  const head: Head = { command: cmd, programWord, tool };
  const idOption = tool === 'useradd' || tool === 'adduser' ? option('u', 'uid') : option('g', 'gid');
  const idWord = idOption ? idOption.valueWord : null;
  const id = numeric(literalValue(idOption));
  const [first, second] = args.operands;
  const name = literal(first);
  if (tool === 'groupadd') {
    // `-f` turns `-g` off when that GID is taken.
    if (has('f', 'force')) uncertain = true;
    return account(head, { creates: 'group', name, group: null, id, idWord, uncertain: uncertain || args.operands.length !== 1 });
  }
  if (tool === 'addgroup') {
    if (second !== undefined) return account(head, { creates: 'membership', name, group: literal(second), id: null, idWord: null, uncertain: uncertain || args.operands.length !== 2 });
    return account(head, { creates: 'group', name, group: null, id, idWord, uncertain });
  }
  if (tool === 'adduser') {
    // Debian's `adduser --group NAME` without `--system` is addgroup.
    if (has('group') && !has('system')) {
      const gid = option('gid');
      return account(head, { creates: 'group', name, group: null, id: numeric(literalValue(gid)), idWord: gid?.valueWord ?? null, uncertain });
    }
    if (second !== undefined && !has('S', 'D', 'H', 'u', 'uid', 'system')) {
      return account(head, { creates: 'membership', name, group: literal(second), id: null, idWord: null, uncertain: uncertain || args.operands.length !== 2 });
    }
    // BusyBox: `-G GROUP` is the primary group (its `-g` is the GECOS field); Debian: `--ingroup`/`--gid`.
    const primaryGroup = literalValue(option('G', 'ingroup', 'gid'));
    const user: UserDetails = { primaryGroup, userGroup: false, supplementaryGroups: false, noLogInit: false };
    return account(head, { creates: 'user', name, group: null, id, idWord, uncertain: uncertain || args.operands.length > 2 }, user);
  }
  const primary = option('g', 'gid');
  const user: UserDetails = {
    primaryGroup: literalValue(primary),
    userGroup: primary === undefined && !has('N', 'no-user-group'),
    supplementaryGroups: has('G', 'groups'),
    noLogInit: has('l', 'no-log-init'),
  };
  return account(head, { creates: 'user', name, group: null, id, idWord, uncertain: uncertain || args.operands.length !== 1 }, user);
}

/** The fields every reading of an account command starts from. */
type Head = Pick<AccountCommand, 'command' | 'programWord' | 'tool'>;

/** What a reading found: the account, its ID and how sure we are. */
type Found = Pick<AccountCommand, 'creates' | 'name' | 'group' | 'id' | 'idWord' | 'uncertain'>;

/** What only users have (groups and memberships have none of it). */
type UserDetails = Pick<AccountCommand, 'primaryGroup' | 'userGroup' | 'supplementaryGroups' | 'noLogInit'>;

const NO_USER_DETAILS: UserDetails = Object.freeze({ primaryGroup: null, userGroup: false, supplementaryGroups: false, noLogInit: false });

/**
 * One account command with every field written out: spreading a shared base object into each
 * reading (and a user reading into a useradd one) cost more than parsing the arguments.
 */
function account(head: Head, found: Found, user: UserDetails = NO_USER_DETAILS): AccountCommand {
  return {
    command: head.command,
    programWord: head.programWord,
    tool: head.tool,
    creates: found.creates,
    name: found.name,
    group: found.group,
    id: found.id,
    idWord: found.idWord,
    primaryGroup: user.primaryGroup,
    userGroup: user.userGroup,
    supplementaryGroups: user.supplementaryGroups,
    noLogInit: user.noLogInit,
    uncertain: found.uncertain,
  };
}

/** An account command with the RUN it belongs to. */
export interface AccountSite {
  info: InstructionInfo;
  account: AccountCommand;
}

/** Commands that change or remove existing accounts: after them, names and IDs are unknown. */
const ACCOUNT_MODIFIERS = new Set(['usermod', 'userdel', 'groupmod', 'groupdel', 'deluser', 'delgroup', 'gpasswd', 'vipw', 'vigr', 'newusers', 'chgpasswd', 'lchage']);

/**
 * The USER instructions of a stage chain (the stage and the stages it is built `FROM`), in
 * document order: what filtering `stageChainInstructions(stage)` by keyword gives. A chain's
 * stages come before it in the file, so document order is chain order.
 */
export function chainUsers(model: DocumentModel, stage: Stage): InstructionInfo[] {
  const users: InstructionInfo[] = [];
  // Files have a USER or two, if any: the model's keyword index finds them without walking
  // every instruction of the chain (several rules ask, once per lint each).
  for (const info of model.byKeyword('USER')) if (inStageChain(info.stage, stage)) users.push(info);
  return users;
}


/** What the RUNs of a stage chain before an instruction do to the account database. */
export interface AccountHistory {
  /** Account commands in order. */
  sites: AccountSite[];
  /**
   * True when something else may have changed accounts: a modifier command (`usermod`, …), a RUN
   * we could not read that mentions users or groups, or a COPY/ADD into `/etc`.
   */
  uncertain: boolean;
}

const ACCOUNT_WORDS_RE = /user|group|passwd|shadow/i;

/** The account commands of a stage chain before `before` (all of them when null). */
export function accountHistory(model: DocumentModel, stage: Stage, before: InstructionInfo | null): AccountHistory {
  const facts = accountFacts(model);
  const end = before ? before.index : Infinity;
  const sites: AccountSite[] = [];
  for (const site of facts.sites) {
    if (site.info.index >= end) break;
    if (inStageChain(site.info.stage, stage)) sites.push(site);
  }
  let uncertain = false;
  for (const info of facts.doubts) {
    if (info.index >= end) break;
    if (inStageChain(info.stage, stage)) {
      uncertain = true;
      break;
    }
  }
  return { sites, uncertain };
}

/** Every account command of the model that we can read, in document order (all stages, shared: read only). */
export function accountSites(model: DocumentModel): readonly AccountSite[] {
  return accountFacts(model).sites;
}

/** Whether a RUN of the stage chain runs useradd, adduser, groupadd or addgroup (whatever it asks for). */
export function createsAccounts(model: DocumentModel, stage: Stage): boolean {
  return accountFacts(model).toolRuns.some((info) => inStageChain(info.stage, stage));
}

/**
 * What the RUNs and COPYs of a model do to the account database, read in one walk and kept with
 * the model: PYD501, PYD502 and PYD503 each walked the same commands for it in every lint, and
 * the history of a stage chain is these facts filtered by stage and position.
 */
interface AccountFacts {
  /** The account commands we can read, in document order. */
  sites: AccountSite[];
  /** RUNs that run an account tool, readable or not (`useradd -D`), in document order. */
  toolRuns: InstructionInfo[];
  /**
   * Instructions after which names and IDs are unknown, in document order: a modifier command
   * (`usermod`, …), a RUN we could not read that mentions users or groups, a COPY/ADD into `/etc`.
   */
  doubts: InstructionInfo[];
}

const factsMemo = new WeakMap<DocumentModel, AccountFacts>();

function accountFacts(model: DocumentModel): AccountFacts {
  let facts = factsMemo.get(model);
  if (facts === undefined) {
    facts = readAccountFacts(model);
    factsMemo.set(model, facts);
  }
  return facts;
}

function readAccountFacts(model: DocumentModel): AccountFacts {
  const facts: AccountFacts = { sites: [], toolRuns: [], doubts: [] };
  for (const info of model.instructions) {
    if (info.keyword === 'COPY' || info.keyword === 'ADD') {
      if (writesEtc(model, info)) facts.doubts.push(info);
      continue;
    }
    if (info.keyword !== 'RUN') continue;
    const script = model.shellOf(info);
    let doubtful = false;
    let tool = false;
    if (!script || script.error !== undefined || script.opaque.length > 0) {
      doubtful = ACCOUNT_WORDS_RE.test(model.content.slice(info.start, info.end));
    }
    if (script && script.error === undefined) {
      for (const command of script.commands) {
        if (runsAccountTool(command)) {
          tool = true;
          const account = accountCommand(command);
          if (account) facts.sites.push({ info, account });
        } else if (ACCOUNT_MODIFIERS.has(programName(command))) doubtful = true;
      }
    }
    if (tool) facts.toolRuns.push(info);
    if (doubtful) facts.doubts.push(info);
  }
  return facts;
}

/** Whether a COPY/ADD may replace `/etc/passwd` or `/etc/group` (or we cannot tell). */
function writesEtc(model: DocumentModel, info: InstructionInfo): boolean {
  const op = copyOperands(model, info);
  const workdir = workdirBefore(model, info);
  if (!op || op.unresolved || !workdir) return /etc|passwd|group/.test(model.content.slice(info.start, info.end));
  // Normalized by joinPath, as isWithin needs.
  const dest = joinPath(workdir.dir, op.dest);
  return isWithin(dest, '/etc') || isWithin('/etc', dest);
}

/** The single command that creates the user or group `name`, or null when none or several do. */
export function creationOf(history: AccountHistory, kind: 'user' | 'group', name: string): AccountSite | null {
  const found = history.sites.filter((s) => s.account.creates === kind && s.account.name === name);
  return found.length === 1 ? (found[0] as AccountSite) : null;
}

/** The proven numeric GID of a group given by name or number, or null. */
export function groupId(history: AccountHistory, group: string): string | null {
  if (/^\d+$/.test(group)) return String(Number(group));
  const site = creationOf(history, 'group', group);
  return site && !site.account.uncertain ? site.account.id : null;
}

/** Whether a user was added to further groups after it was created (supplementary groups). */
export function joinsGroups(history: AccountHistory, user: string): boolean {
  return history.sites.some((s) => (s.account.creates === 'membership' && s.account.name === user) || (s.account.creates === 'user' && s.account.name === user && s.account.supplementaryGroups));
}
