/**
 * Who is asking: a principal, in Kafka's form "User:<name>". A client that presents a
 * certificate (mutual TLS) is named by its subject's distinguished name, in RFC 2253 form
 * ("CN=broker-1,OU=eng,O=Acme,C=US", as Kafka prints it), passed through
 * `ssl.principal.mapping.rules`; a client without one is User:ANONYMOUS.
 *
 * The rules are Kafka's: a comma-separated list, tried in order, of
 *   RULE:<pattern>/<replacement>/[L|U]   the pattern must match the whole name; the
 *                                        replacement may use $1..$9; L or U changes case
 *   DEFAULT                              the name unchanged
 * A name no rule matches is no principal at all: the caller is refused, not let in under
 * some other name.
 */
import { X509Certificate } from "node:crypto";

export type Principal = string;

export const ANONYMOUS: Principal = "User:ANONYMOUS";

export interface PrincipalMappingRule {
  /** null for DEFAULT. */
  readonly pattern: RegExp | null;
  readonly replacement: string;
  readonly toCase: "L" | "U" | null;
}

/** What a rule list looks like, for errors. */
const RULES_SYNTAX = "RULE:<pattern>/<replacement>/[L|U] or DEFAULT, separated by commas";
/** Kafka's limit on a principal's name is the request's; ours keeps logs and ACL keys sane. */
const PRINCIPAL_NAME_MAX = 1024;

/**
 * Parses `ssl.principal.mapping.rules`. Slashes inside a pattern or replacement are
 * written `\/`; commas separate rules only outside them. Throws a RangeError naming
 * what is wrong.
 */
export function parsePrincipalMappingRules(text: string): PrincipalMappingRule[] {
  const rules: PrincipalMappingRule[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    if (rest.startsWith("DEFAULT")) {
      rules.push({ pattern: null, replacement: "", toCase: null });
      rest = rest.slice("DEFAULT".length);
    } else if (rest.startsWith("RULE:")) {
      const [pattern, afterPattern] = untilSlash(rest.slice("RULE:".length), text);
      const [replacement, afterReplacement] = untilSlash(afterPattern, text);
      const flag = /^[LU]/.exec(afterReplacement)?.[0] as "L" | "U" | undefined;
      let compiled: RegExp;
      try {
        compiled = new RegExp(`^(?:${pattern})$`);
      } catch (e) {
        throw new RangeError(`ssl.principal.mapping.rules: bad pattern "${pattern}": ${(e as Error).message}`);
      }
      rules.push({ pattern: compiled, replacement, toCase: flag ?? null });
      rest = afterReplacement.slice(flag ? 1 : 0);
    } else {
      throw new RangeError(`ssl.principal.mapping.rules: cannot read "${rest}" (expected ${RULES_SYNTAX})`);
    }
    rest = rest.trimStart();
    if (rest.length === 0) break;
    if (rest[0] !== "," && rest[0] !== "\n")
      throw new RangeError(`ssl.principal.mapping.rules: expected a comma before "${rest}" (${RULES_SYNTAX})`);
    rest = rest.slice(1).trimStart();
  }
  if (rules.length === 0) throw new RangeError(`ssl.principal.mapping.rules is empty (expected ${RULES_SYNTAX})`);
  return rules;
}

/** The text up to the next unescaped "/" (with "\/" unescaped), and what follows that slash. */
function untilSlash(text: string, whole: string): [string, string] {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === "\\" && text[i + 1] === "/") {
      out += "/";
      i++;
    } else if (ch === "/") {
      return [out, text.slice(i + 1)];
    } else {
      out += ch;
    }
  }
  throw new RangeError(`ssl.principal.mapping.rules: a rule in "${whole}" misses a "/" (expected ${RULES_SYNTAX})`);
}

/** The principal the rules give `distinguishedName`, or null when no rule matches it. */
export function principalFromName(distinguishedName: string, rules: readonly PrincipalMappingRule[]): Principal | null {
  for (const rule of rules) {
    let name: string;
    if (rule.pattern === null) name = distinguishedName;
    else if (rule.pattern.test(distinguishedName)) name = distinguishedName.replace(rule.pattern, rule.replacement);
    else continue;
    if (rule.toCase === "L") name = name.toLowerCase();
    if (rule.toCase === "U") name = name.toUpperCase();
    if (name.length === 0 || name.length > PRINCIPAL_NAME_MAX) return null;
    return `User:${name}`;
  }
  return null;
}

/**
 * A certificate's subject in RFC 2253 form: its relative names last to first, joined by
 * commas (Node lists them in certificate order, one per line, commas already escaped).
 */
export function subjectName(certificateDer: Buffer): string {
  return new X509Certificate(certificateDer).subject.split("\n").reverse().join(",");
}

/** Principals as `super.users` lists them: "User:a;User:b". Throws a RangeError for a malformed entry. */
export function parsePrincipalList(text: string, setting: string): Principal[] {
  const out: Principal[] = [];
  for (const raw of text.split(";")) {
    const entry = raw.trim();
    if (entry === "") continue;
    if (!/^User:.+$/.test(entry) || entry.length > PRINCIPAL_NAME_MAX + "User:".length)
      throw new RangeError(`${setting}: "${entry}" is not a principal like User:CN=broker-1`);
    out.push(entry);
  }
  return out;
}
