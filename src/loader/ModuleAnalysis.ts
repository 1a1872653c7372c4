/**
 * Static analysis of one evaluated module (acorn): its top-level bindings and what each one
 * references, its imports, and token-normalised text so comments and formatting never count.
 */
import type * as Acorn from "acorn";
import type * as AcornWalk from "acorn-walk";
import { createRequire } from "node:module";

// Loaded on first use: analysis only runs when a task's code hash is not cached on disk.
const requireHere = createRequire(import.meta.url);
let acorn: typeof Acorn | undefined;
let walk: typeof AcornWalk | undefined;
const libs = (): { acorn: typeof Acorn; walk: typeof AcornWalk } => {
  acorn ??= requireHere("acorn") as typeof Acorn;
  walk ??= requireHere("acorn-walk") as typeof AcornWalk;
  return { acorn, walk };
};

// ESTree nodes are walked generically; a loose type keeps that readable.
type Node = Acorn.Node & { readonly [key: string]: any };

/** A top-level declaration: `function f`, `class C`, or one declarator of `const a = …`. */
export interface TopLevelBinding {
  readonly name: string;
  /** Token-normalised text of the declaration. */
  readonly text: string;
  /** Free names it references (globals, other top-level bindings, imports). */
  readonly refs: ReadonlySet<string>;
  /** Specifiers it passes to `require("…")` or a `createRequire(…)` function (CommonJS packages). */
  readonly requires: ReadonlySet<string>;
}

/** What a function (or top-level declaration) uses: see TopLevelBinding. */
export type CodeUse = Pick<TopLevelBinding, "text" | "refs" | "requires">;

/** What CodeClosure needs to know about one module. */
export interface ModuleAnalysis {
  /** Top-level bindings by name. */
  readonly bindings: ReadonlyMap<string, TopLevelBinding>;
  /** Imported local names → the specifier they come from. */
  readonly imports: ReadonlyMap<string, string>;
  /** Token-normalised text of the whole module. */
  readonly text: string;
  /**
   * For the function whose source occupies `[start, end)`: its token-normalised text and the
   * free names it references; undefined when no function spans that range.
   */
  functionAt(start: number, end: number): CodeUse | undefined;
}

const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

/**
 * Normalises a token stream: one token per entry, type plus value, so `"a"`/`'a'`, line breaks,
 * indentation, trailing commas' absence and comments (which are not tokens) all vanish.
 */
const renderTokens = (tokens: ReadonlyArray<Acorn.Token>, start: number, end: number): string => {
  const out: string[] = [];
  for (const t of tokens) {
    if (t.start < start || t.end > end || t.type.label === "eof") continue;
    const v = (t as Acorn.Token & { value?: unknown }).value;
    const value =
      v === undefined ? "" : typeof v === "object" && v !== null ? `/${(v as { pattern: string }).pattern}/${(v as { flags: string }).flags}` : String(v);
    out.push(value === "" ? t.type.label : `${t.type.label}:${JSON.stringify(value)}`);
  }
  return out.join(" ");
};

/** Token-normalised text of a code fragment that may not parse on its own (a method's source). */
export const normaliseFragment = (code: string): string => {
  const tokens: Acorn.Token[] = [];
  try {
    for (const t of libs().acorn.tokenizer(code, { ecmaVersion: "latest", allowHashBang: true })) tokens.push(t);
  } catch {
    return code.replace(/\s+/g, " ").trim();
  }
  return renderTokens(tokens, 0, code.length);
};

/** Names bound by a pattern: `a`, `{ a, b: [c] }`, `...rest`, `x = 1`. */
const patternNames = (p: Node | null | undefined, out: Set<string>): Set<string> => {
  if (p == null) return out;
  switch (p.type) {
    case "Identifier": out.add(p.name); break;
    case "ObjectPattern": for (const prop of p.properties) patternNames(prop.type === "RestElement" ? prop : prop.value, out); break;
    case "ArrayPattern": for (const e of p.elements) patternNames(e, out); break;
    case "RestElement": patternNames(p.argument, out); break;
    case "AssignmentPattern": patternNames(p.left, out); break;
  }
  return out;
};

/** Block-level declarations directly in a statement list (let/const/class/function, and var). */
const statementNames = (stmts: ReadonlyArray<Node>, out: Set<string>): void => {
  for (const s of stmts) {
    const d = s.type === "ExportNamedDeclaration" || s.type === "ExportDefaultDeclaration" ? s.declaration : s;
    if (d == null) continue;
    if (d.type === "VariableDeclaration") for (const v of d.declarations) patternNames(v.id, out);
    else if ((d.type === "FunctionDeclaration" || d.type === "ClassDeclaration") && d.id) out.add(d.id.name);
  }
};

/** `var` declarations anywhere in a function body, not entering nested functions (hoisting). */
const varNames = (n: unknown, out: Set<string>): void => {
  if (n === null || typeof n !== "object") return;
  if (Array.isArray(n)) { for (const c of n) varNames(c, out); return; }
  const node = n as Node;
  if (typeof node.type !== "string" || FUNCTION_TYPES.has(node.type)) return;
  if (node.type === "VariableDeclaration" && node.kind === "var") for (const v of node.declarations) patternNames(v.id, out);
  for (const key of Object.keys(node)) if (key !== "type" && key !== "start" && key !== "end") varNames(node[key], out);
};

const scopeCache = new WeakMap<Node, ReadonlySet<string>>();
/** Names a scope-creating node declares for the code inside it. */
const declaredIn = (scope: Node): ReadonlySet<string> => {
  const hit = scopeCache.get(scope);
  if (hit !== undefined) return hit;
  const out = new Set<string>();
  switch (scope.type) {
    case "FunctionDeclaration": case "FunctionExpression": case "ArrowFunctionExpression":
      for (const p of scope.params) patternNames(p, out);
      if (scope.type === "FunctionExpression" && scope.id) out.add(scope.id.name);
      if (scope.body.type === "BlockStatement") varNames(scope.body.body, out);
      break;
    case "BlockStatement": case "Program": case "StaticBlock": statementNames(scope.body, out); break;
    case "SwitchStatement": for (const c of scope.cases) statementNames(c.consequent, out); break;
    case "ForStatement": if (scope.init?.type === "VariableDeclaration") statementNames([scope.init], out); break;
    case "ForInStatement": case "ForOfStatement": if (scope.left.type === "VariableDeclaration") statementNames([scope.left], out); break;
    case "CatchClause": patternNames(scope.param, out); break;
    case "ClassDeclaration": case "ClassExpression": if (scope.id) out.add(scope.id.name); break;
  }
  scopeCache.set(scope, out);
  return out;
};

/** Names `root` references that are not declared inside it (parameters, locals, inner functions). */
const freeNames = (root: Node): Set<string> => {
  const out = new Set<string>();
  libs().walk.fullAncestor(root as Acorn.AnyNode, (node, _state, ancestors, type) => {
    if (node.type !== "Identifier") return;
    const parent = ancestors[ancestors.length - 2] as Node | undefined;
    // `x = 1` and `for (x of …)` reach the callback as patterns, but they use an outer `x`.
    const assigned = (parent?.type === "AssignmentExpression" || parent?.type === "ForOfStatement" || parent?.type === "ForInStatement") && parent.left === node;
    if (type !== "Identifier" && !assigned) return;
    for (let i = ancestors.length - 2; i >= 0; i--) if (declaredIn(ancestors[i] as Node).has(node.name)) return;
    out.add(node.name);
  });
  return out;
};

/** String-literal arguments of calls to any of `requireNames` inside `root`. */
const requiresIn = (root: Node, requireNames: ReadonlySet<string>): Set<string> => {
  const out = new Set<string>();
  libs().walk.simple(root as Acorn.AnyNode, {
    CallExpression(n) {
      const call = n as Node;
      const arg = call.arguments[0] as Node | undefined;
      if (call.callee.type === "Identifier" && requireNames.has(call.callee.name) && arg?.type === "Literal" && typeof arg.value === "string") out.add(arg.value);
    },
  });
  return out;
};

/**
 * Names that act as `require` in a module: the global one and top-level bindings made by
 * `createRequire(…)` (esbuild renames a user's `const require` to `require2`, so the name alone
 * does not tell).
 */
const requireNamesOf = (program: Node): Set<string> => {
  const out = new Set(["require"]);
  for (const stmt of program.body as Node[]) {
    const d = stmt.type === "ExportNamedDeclaration" ? stmt.declaration : stmt;
    if (d?.type !== "VariableDeclaration") continue;
    for (const v of d.declarations) {
      const callee = v.init?.type === "CallExpression" ? v.init.callee : undefined;
      const name = callee?.type === "Identifier" ? callee.name : callee?.type === "MemberExpression" ? callee.property?.name : undefined;
      if (name === "createRequire" && v.id.type === "Identifier") out.add(v.id.name);
    }
  }
  return out;
};

/** Parses `code` (an ES module) and indexes it. Throws acorn's SyntaxError when it does not parse. */
export const analyzeModule = (code: string): ModuleAnalysis => {
  const { acorn: a, walk: w } = libs();
  const tokens: Acorn.Token[] = [];
  const program = a.parse(code, { ecmaVersion: "latest", sourceType: "module", onToken: tokens, allowHashBang: true }) as Node;
  const bindings = new Map<string, TopLevelBinding>();
  const imports = new Map<string, string>();
  const requireNames = requireNamesOf(program);
  const add = (names: Iterable<string>, node: Node, prefix: string): void => {
    const binding = { text: `${prefix} ${renderTokens(tokens, node.start, node.end)}`, refs: freeNames(node), requires: requiresIn(node, requireNames) };
    for (const name of names) bindings.set(name, { name, ...binding });
  };
  for (const stmt of program.body as Node[]) {
    if (stmt.type === "ImportDeclaration") {
      for (const s of stmt.specifiers) imports.set(s.local.name, String(stmt.source.value));
      continue;
    }
    const d: Node | null | undefined = stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportDefaultDeclaration" ? stmt.declaration : stmt;
    if (d == null) continue;
    if (d.type === "VariableDeclaration") for (const v of d.declarations) add(patternNames(v.id, new Set()), v, d.kind);
    else if ((d.type === "FunctionDeclaration" || d.type === "ClassDeclaration") && d.id) add([d.id.name], d, "");
  }
  const fnCache = new Map<string, CodeUse | undefined>();
  const functionAt = (start: number, end: number) => {
    const key = `${start}:${end}`;
    if (fnCache.has(key)) return fnCache.get(key);
    // Exact span first (functions, arrows, methods: `run(x) {…}` is a Property's span); else the
    // innermost function containing it, which can only make the closure larger, never miss code.
    let exact: Node | undefined;
    let around: Node | undefined;
    w.full(program as Acorn.AnyNode, (n) => {
      const node = n as Node;
      const fnLike = FUNCTION_TYPES.has(node.type) || node.type === "Property" || node.type === "MethodDefinition";
      if (!fnLike) return;
      if (node.start === start && node.end === end) exact ??= node;
      else if (node.start <= start && node.end >= end && (around === undefined || node.end - node.start < around.end - around.start)) around = node;
    });
    const found = exact ?? around;
    const result = found === undefined ? undefined : { text: renderTokens(tokens, found.start, found.end), refs: freeNames(found), requires: requiresIn(found, requireNames) };
    fnCache.set(key, result);
    return result;
  };
  return { bindings, imports, text: renderTokens(tokens, 0, code.length), functionAt };
};

/** A module specifier written in a static `import … from "x"`, `export … from "x"` or `import "x"`. */
export interface StaticImportSource {
  /** Offsets of the string literal, quotes included. */
  readonly start: number;
  readonly end: number;
  readonly specifier: string;
}

/** The `import.meta` properties a relocated copy can reproduce from the original's path. */
export const RELOCATABLE_META: ReadonlySet<string> = new Set(["url", "dirname", "filename"]);

/**
 * The static import/export-from specifiers of an ES module, the places it reads
 * `import.meta.url`/`.dirname`/`.filename`, and whether it depends on its own location in a way
 * a relocated copy cannot reproduce (dynamic `import()`, any other use of `import.meta`).
 */
export const staticImports = (
  code: string,
): { readonly sources: ReadonlyArray<StaticImportSource>; readonly metas: ReadonlyArray<{ readonly start: number; readonly end: number }>; readonly locationDependent: boolean } => {
  const { acorn: a, walk: w } = libs();
  const program = a.parse(code, { ecmaVersion: "latest", sourceType: "module", allowHashBang: true }) as Node;
  const sources: StaticImportSource[] = [];
  for (const stmt of program.body as Node[]) {
    const src = stmt.type === "ImportDeclaration" || stmt.type === "ExportAllDeclaration" || stmt.type === "ExportNamedDeclaration" ? stmt.source : null;
    if (src != null) sources.push({ start: src.start, end: src.end, specifier: String(src.value) });
  }
  const metas: Array<{ start: number; end: number }> = [];
  let locationDependent = false;
  w.fullAncestor(program as Acorn.AnyNode, (n, _state, ancestors) => {
    if (n.type === "ImportExpression") locationDependent = true;
    if (n.type !== "MetaProperty" || n.meta.name !== "import") return;
    const parent = ancestors[ancestors.length - 2] as Node | undefined;
    const ok = parent?.type === "MemberExpression" && parent.object === n && !parent.computed && RELOCATABLE_META.has(parent.property.name);
    if (ok) metas.push({ start: n.start, end: n.end });
    else locationDependent = true;
  });
  return { sources, metas, locationDependent };
};

/**
 * Where `code` (an ES module) fails to parse, if it does. Used on the error path only, to
 * locate V8's parse errors in plain-JS local modules: with loader hooks, Node reports those
 * without a file or line.
 */
export const syntaxErrorIn = (code: string): { readonly line: number; readonly column: number; readonly detail: string } | undefined => {
  try {
    libs().acorn.parse(code, { ecmaVersion: "latest", sourceType: "module", allowHashBang: true });
    return undefined;
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    if (loc === undefined) return undefined;
    return { line: loc.line, column: loc.column, detail: String((e as Error).message).replace(/ \(\d+:\d+\)$/, "") };
  }
};
