/**
 * Debian version comparison, as dpkg does it (deb-version(7)):
 * `[epoch:]upstream[-revision]`. The epoch compares as a number; upstream and
 * revision compare with dpkg's `verrevcmp`: alternating runs of non-digits
 * (letters sort before other characters, `~` sorts before everything, even the
 * end of the string) and runs of digits (numerically, any length).
 */

export interface DebianVersion {
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

export function parseDebianVersion(version: string): DebianVersion {
  const text = version.trim();
  let epoch = 0;
  let rest = text;
  const colon = text.indexOf(":");
  if (colon >= 0) {
    const epochText = text.slice(0, colon);
    if (!/^\d+$/.test(epochText)) throw new Error(`bad epoch in Debian version "${version}"`);
    epoch = Number(epochText);
    rest = text.slice(colon + 1);
  }
  const dash = rest.lastIndexOf("-");
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest;
  const revision = dash >= 0 ? rest.slice(dash + 1) : "";
  if (upstream === "") throw new Error(`empty upstream version in Debian version "${version}"`);
  return { epoch, upstream, revision };
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isAlpha(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** dpkg's `order()`: the weight of one character in a non-digit run; NaN (end of string) weighs 0. */
function order(code: number): number {
  if (Number.isNaN(code) || isDigit(code)) return 0;
  if (isAlpha(code)) return code;
  if (code === 0x7e) return -1; // '~'
  return code + 256;
}

/** dpkg's `verrevcmp` over one part (upstream or revision). Returns <0, 0 or >0. */
export function compareVersionPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = order(a.charCodeAt(i));
      const bc = order(b.charCodeAt(j));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 0x30) i++;
    while (b.charCodeAt(j) === 0x30) j++;
    let firstDiff = 0;
    while (isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charCodeAt(i))) return 1;
    if (isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

/** Compares two Debian version strings: negative if `a` is older, 0 if equal, positive if newer. */
export function compareDebianVersions(a: string, b: string): number {
  const va = parseDebianVersion(a);
  const vb = parseDebianVersion(b);
  if (va.epoch !== vb.epoch) return va.epoch < vb.epoch ? -1 : 1;
  const upstream = compareVersionPart(va.upstream, vb.upstream);
  if (upstream !== 0) return Math.sign(upstream);
  return Math.sign(compareVersionPart(va.revision, vb.revision));
}

export type VersionRelation = "<<" | "<=" | "=" | ">=" | ">>";

/** Whether `version` satisfies `relation constraint` (e.g. `>= 4.3~`). The old `<` and `>` mean `<=` and `>=`. */
export function satisfiesVersion(version: string, relation: string, constraint: string): boolean {
  const c = compareDebianVersions(version, constraint);
  switch (relation) {
    case "<<":
      return c < 0;
    case "<=":
    case "<":
      return c <= 0;
    case "=":
      return c === 0;
    case ">=":
    case ">":
      return c >= 0;
    case ">>":
      return c > 0;
    default:
      throw new Error(`unknown version relation "${relation}"`);
  }
}
