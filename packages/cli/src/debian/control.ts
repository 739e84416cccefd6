/**
 * Debian control data (deb822): stanzas of `Field: value` lines, continuation
 * lines starting with a space or a tab, stanzas separated by blank lines. Used
 * for `Packages` indexes, `InRelease` files and package relations (`Depends`).
 */
import { ArchiveFormatError } from "./errors";

/** One stanza: field name (as written) → value. Multi-line values keep their newlines, continuation lines without the leading blank. */
export type Stanza = Record<string, string>;

/** Parses one stanza's text. Comment lines (`#`) are skipped; a line that is neither a field nor a continuation is an error. */
export function parseStanza(text: string): Stanza {
  const stanza: Stanza = {};
  let current: string | undefined;
  for (const rawLine of text.split("\n")) {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (line === "" || line.startsWith("#")) continue;
    const first = line.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      if (current === undefined) throw new ArchiveFormatError(`control data: continuation line before any field: "${line}"`);
      const body = line.slice(1);
      stanza[current] += `\n${body === "." ? "" : body}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new ArchiveFormatError(`control data: not a field: "${line}"`);
    current = line.slice(0, colon);
    stanza[current] = line.slice(colon + 1).trim();
  }
  return stanza;
}

/** Parses every stanza of a control file (a `Packages` index, for instance). */
export function parseStanzas(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  for (const chunk of splitStanzas(text)) stanzas.push(parseStanza(chunk));
  return stanzas;
}

/** The raw text of each stanza, without parsing its fields. */
export function* splitStanzas(text: string): Generator<string> {
  const normalized = text.includes("\r") ? text.replace(/\r\n/g, "\n") : text;
  let start = 0;
  while (start < normalized.length) {
    // Skip blank lines between stanzas.
    while (start < normalized.length && normalized.charCodeAt(start) === 0x0a) start++;
    if (start >= normalized.length) break;
    let end = normalized.indexOf("\n\n", start);
    if (end < 0) end = normalized.length;
    yield normalized.slice(start, end);
    start = end + 2;
  }
}

/**
 * An index of a `Packages` file by package name, parsing stanzas only when
 * asked: a full `main/binary-i386/Packages` has about 60,000 stanzas and we
 * need a handful.
 */
export class PackageIndex {
  private readonly byName = new Map<string, string[]>();

  constructor(text: string) {
    for (const chunk of splitStanzas(text)) {
      const name = packageNameOf(chunk);
      if (name === undefined) continue;
      const list = this.byName.get(name);
      if (list === undefined) this.byName.set(name, [chunk]);
      else list.push(chunk);
    }
  }

  get size(): number {
    return this.byName.size;
  }

  /** Every stanza of package `name` (one per version in the index). */
  lookup(name: string): Stanza[] {
    return (this.byName.get(name) ?? []).map(parseStanza);
  }
}

function packageNameOf(chunk: string): string | undefined {
  // "Package:" is the first field of every stanza that dak writes; fall back to a search.
  let at = chunk.startsWith("Package:") ? 0 : chunk.indexOf("\nPackage:");
  if (at < 0) return undefined;
  if (at > 0) at += 1;
  const end = chunk.indexOf("\n", at);
  return chunk.slice(at + 8, end < 0 ? undefined : end).trim();
}

/** One package named in a relation field, with an optional version constraint. */
export interface Relation {
  readonly name: string;
  /** `:any`, `:native` or an architecture, when the field qualifies the name. */
  readonly archQualifier?: string;
  readonly relation?: string;
  readonly version?: string;
}

/** A relation field (`Depends`, `Pre-Depends`, ...): a list of alternatives lists (`a | b, c`). */
export function parseRelations(field: string): Relation[][] {
  const result: Relation[][] = [];
  for (const group of field.split(",")) {
    const trimmed = group.trim();
    if (trimmed === "") continue;
    const alternatives: Relation[] = [];
    for (const alternative of trimmed.split("|")) {
      // Drop architecture restrictions "[i386 amd64]" and build profiles "<!nocheck>".
      const text = alternative.replace(/\[[^\]]*\]/g, "").replace(/<[^>]*>/g, "").trim();
      const match = /^([a-z0-9][a-z0-9+.-]*)(?::([a-z0-9-]+))?\s*(?:\(\s*(<<|<=|=|>=|>>|<|>)\s*([^)\s]+)\s*\))?$/.exec(text);
      if (match === null) throw new ArchiveFormatError(`control data: cannot parse relation "${alternative.trim()}"`);
      const [, name, archQualifier, relation, version] = match;
      alternatives.push({
        name,
        ...(archQualifier !== undefined ? { archQualifier } : {}),
        ...(relation !== undefined ? { relation, version } : {}),
      });
    }
    result.push(alternatives);
  }
  return result;
}

/** One line of an `InRelease` checksum field: the file's hash and size. */
export interface IndexFileEntry {
  readonly sha256: string;
  readonly size: number;
}

/** A parsed `Release`/`InRelease`: the fields and the SHA256 list of index files by path. */
export interface ReleaseFile {
  readonly fields: Stanza;
  readonly sha256: ReadonlyMap<string, IndexFileEntry>;
}

/**
 * Removes the OpenPGP clear-signature framing of an `InRelease` file (RFC 4880
 * §7): the armor header, its `Hash:` lines, the signature block, and the
 * dash-escaping of lines that start with a dash. The signature itself is not
 * checked here (see `verifyInReleaseSignature`).
 */
export function stripClearSignature(text: string): string {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const begin = lines.findIndex((line) => line === "-----BEGIN PGP SIGNED MESSAGE-----");
  if (begin < 0) return text; // A plain Release file.
  let index = begin + 1;
  while (index < lines.length && lines[index] !== "") index++; // Armor headers ("Hash: SHA256").
  index++;
  const body: string[] = [];
  for (; index < lines.length; index++) {
    const line = lines[index];
    if (line === "-----BEGIN PGP SIGNATURE-----") return body.join("\n");
    body.push(line.startsWith("- ") ? line.slice(2) : line);
  }
  throw new ArchiveFormatError("InRelease: the clear-signed message has no signature block");
}

export function parseRelease(text: string): ReleaseFile {
  const fields = parseStanza(stripClearSignature(text));
  const sha256 = new Map<string, IndexFileEntry>();
  for (const line of (fields.SHA256 ?? "").split("\n")) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 3) continue;
    const [hash, size, path] = parts;
    if (!/^[0-9a-f]{64}$/.test(hash) || !/^\d+$/.test(size)) throw new ArchiveFormatError(`InRelease: bad SHA256 line "${line.trim()}"`);
    sha256.set(path, { sha256: hash, size: Number(size) });
  }
  return { fields, sha256 };
}
