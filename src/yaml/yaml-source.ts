import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { formatPath, type YamlIssue } from './yaml-issue.js';

/** A path into a parsed document: keys and list indexes. */
export type DocPath = readonly (string | number)[];

/** A parsed workflow file: its plain value and a way back from a path in it to a line and column. */
export interface YamlSource {
  readonly file: string;
  readonly value: unknown;
  /** Position of the node at `path` (its key when `key` is set); the nearest existing ancestor otherwise. */
  locate(path: DocPath, key?: boolean): { line: number; column: number };
  /** An issue at `path`. */
  issue(path: DocPath, message: string, key?: boolean): YamlIssue;
}

/** Limits alias expansion (a "billion laughs" file) while allowing a template used by every step. */
const MAX_ALIAS_COUNT = 10_000;
const MAX_SYNTAX_ISSUES = 5;

/**
 * Parses YAML text (one document; anchors, aliases and `<<` merge keys resolved). Syntax errors,
 * duplicate keys, unresolved aliases and bad merge sources come back as issues, all of them.
 */
export function parseYamlSource(text: string, file: string): { source?: YamlSource; issues: YamlIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: true, uniqueKeys: true });
  const at = (offset: number): { line: number; column: number } => {
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  // Past the first few, syntax errors are mostly echoes of the first ones.
  const issues: YamlIssue[] = doc.errors.slice(0, MAX_SYNTAX_ISSUES).map((e) => ({
    file,
    line: e.linePos?.[0].line ?? 1,
    column: e.linePos?.[0].col ?? 1,
    message: `${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')} (YAML syntax)`,
    path: '(document)',
  }));
  // `Alias.resolve` scans the whole document each time (quadratic for a template used by every
  // step), so anchors are resolved once here, in document order.
  const aliases = resolveAliases(doc);
  if (issues.length === 0) issues.push(...structuralIssues(doc, aliases, file, at));
  if (issues.length) return { issues };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    return { issues: [{ file, line: 1, column: 1, message: `cannot read the document: ${(e as Error).message}`, path: '(document)' }] };
  }
  const locate = (path: DocPath, key = false): { line: number; column: number } => {
    const node = findNode(aliases, doc, path, key);
    return at(node?.range?.[0] ?? 0);
  };
  return {
    issues,
    source: {
      file,
      value,
      locate,
      issue: (path, message, key) => ({ file, ...locate(path, key), message, path: formatPath(path) }),
    },
  };
}

type AliasTargets = ReadonlyMap<unknown, unknown>;

/** What each alias node points to: the last anchor of its name defined before it. */
function resolveAliases(doc: Document): AliasTargets {
  const anchors = new Map<string, unknown>();
  const targets = new Map<unknown, unknown>();
  visit(doc, (_, node) => {
    if (isAlias(node)) {
      targets.set(node, anchors.get(node.source));
      return;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.set(anchor, node);
  });
  return targets;
}

/** Aliases that point nowhere and merge sources that are not maps, with their positions. */
function structuralIssues(doc: Document, aliases: AliasTargets, file: string, at: (offset: number) => { line: number; column: number }): YamlIssue[] {
  const issues: YamlIssue[] = [];
  visit(doc, {
    Alias(_, node) {
      if (!aliases.get(node)) {
        issues.push({ file, ...at(node.range?.[0] ?? 0), message: `unknown alias *${node.source} (expected an anchor &${node.source} defined before it)`, path: '(document)' });
      }
    },
    Pair(_, pair) {
      if (!isMergeKey(pair.key)) return;
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const s of sources) {
        const target = isAlias(s) ? aliases.get(s) : s;
        if (target !== undefined && !isMap(target)) {
          const node = s as Node | null;
          issues.push({ file, ...at(node?.range?.[0] ?? 0), message: 'a merge key (<<) needs a map or an alias of a map', path: '(document)' });
        }
      }
    },
  });
  return issues;
}

/** The node at `path`, following aliases and merge keys; the deepest existing ancestor when missing. */
function findNode(aliases: AliasTargets, doc: Document, path: DocPath, wantKey: boolean): Node | undefined {
  let node: unknown = doc.contents;
  let found = node as Node | undefined;
  for (let i = 0; i < path.length; i++) {
    node = deref(aliases, node);
    const seg = path[i]!;
    let next: unknown;
    if (isMap(node)) {
      const pair = findPair(aliases, node, String(seg), 0);
      if (!pair) break;
      next = wantKey && i === path.length - 1 ? pair.key : pair.value ?? pair.key;
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
    } else break;
    if (next === undefined || next === null) break;
    node = next;
    found = next as Node;
  }
  return found;
}

function deref(aliases: AliasTargets, node: unknown): unknown {
  for (let i = 0; i < 100 && isAlias(node); i++) node = aliases.get(node);
  return node;
}

function findPair(aliases: AliasTargets, map: unknown, key: string, depth: number): { key: unknown; value: unknown } | undefined {
  if (!isMap(map) || depth > 20) return undefined;
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && !isMergeKey(item.key) && String(item.key.value) === key) return item;
  }
  for (const item of map.items) {
    if (!isPair(item) || !isMergeKey(item.key)) continue;
    const sources = isSeq(item.value) ? item.value.items : [item.value];
    for (const s of sources) {
      const found = findPair(aliases, deref(aliases, s), key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** A `<<` key: with merge keys on, the parser gives it a symbol value; `source` keeps the text. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (typeof key.value === 'symbol' || key.value === '<<') && (key.source === '<<' || key.value === '<<');
}
