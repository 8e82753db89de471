// The public API report: for each entry point of package.json "exports", every exported name with
// its kind and declared type or signature, sorted, in api/<entry>.api.md. `npm run api` (--write)
// rewrites the reports; `npm run check` (--check) fails when the exports differ from them, printing
// the difference, so a change of the public surface shows in review as a change of api/.
//
// The TypeScript compiler API reads src/ directly (no build). @microsoft/api-extractor would want
// the built .d.ts files and a config per entry; this is the part of it the project needs.
//
//   node scripts/api-report.mjs --write | --check [--entry <specifier>=<source file>]
//
// --entry reports one entry point from another source file (the test plants an export that way).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPORT_DIR = path.join(ROOT, 'api');

const TYPE_FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;
const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/** A node as source without its comments (a type alias's doc comments are not its type). */
function print(node) {
  return printer.printNode(ts.EmitHint.Unspecified, node, node.getSourceFile());
}

/** `syncwright` → index.api.md, `syncwright/world` → world.api.md. */
function reportName(specifier) {
  return `${specifier === 'syncwright' ? 'index' : specifier.slice('syncwright/'.length)}.api.md`;
}

/** The entry points package.json exports, each with the source its types are built from. */
function entryPoints() {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const entries = [];
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target !== 'object' || typeof target.types !== 'string') continue;
    const source = target.types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts');
    if (!existsSync(path.join(ROOT, source))) {
      throw new Error(
        `package.json: exports["${subpath}"].types: expected a .d.ts built from src/, found ${target.types}`,
      );
    }
    entries.push({ specifier: subpath === '.' ? 'syncwright' : `syncwright/${subpath.slice(2)}`, source });
  }
  return entries;
}

function compilerOptions() {
  const configFile = path.join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT, undefined, configFile);
  return { ...parsed.options, noEmit: true, declaration: false, sourceMap: false };
}

/** One line per declaration: whitespace folded, and the machine's paths never written down. */
function tidy(text) {
  return text.replace(/\s+/g, ' ').replaceAll(`${ROOT}/`, '').replaceAll(ROOT, '.').trim();
}

/**
 * A declaration's type as its author wrote it. The checker's own text is the fallback (for an
 * inferred type): it orders a union by when the program met each member, which moves when
 * unrelated files change, while the written text moves only when the declaration does.
 */
function declaredType(checker, declaration, type, at) {
  if (declaration !== undefined && 'type' in declaration && declaration.type !== undefined) {
    return print(declaration.type);
  }
  return checkerType(checker, type, at);
}

function checkerType(checker, type, at) {
  if (type.isUnion() && !(type.flags & ts.TypeFlags.Boolean)) {
    const parts = [...new Set(type.types.map((member) => checker.typeToString(member, at, TYPE_FLAGS)))];
    if (!parts.includes('true') || !parts.includes('false')) return parts.sort().join(' | ');
  }
  return checker.typeToString(type, at, TYPE_FLAGS);
}

/** `<T>(a: A, b?: B): R` of a function-like declaration with every type written; else the checker's. */
function declaredSignature(checker, signature, at) {
  const declaration = signature.getDeclaration?.();
  if (
    declaration !== undefined &&
    declaration.type !== undefined &&
    declaration.parameters.every((parameter) => parameter.type !== undefined)
  ) {
    const parameters = declaration.parameters.map(
      (parameter) =>
        `${parameter.dotDotDotToken ? '...' : ''}${print(parameter.name)}${
          parameter.questionToken || parameter.initializer ? '?' : ''
        }: ${print(parameter.type)}`,
    );
    return `${typeParameters(declaration)}(${parameters.join(', ')}): ${print(declaration.type)}`;
  }
  return checker.signatureToString(signature, at, TYPE_FLAGS);
}

/**
 * Declared in syncwright's own sources. What a class inherits from `Error` or a library class is
 * that library's surface (and would move with @types/node): the heritage clause names it instead.
 */
function ownDeclaration(declaration) {
  return declaration !== undefined && !declaration.getSourceFile().fileName.includes('/node_modules/');
}

function hasModifier(declaration, flag) {
  return (ts.getCombinedModifierFlags(declaration) & flag) !== 0;
}

function typeParameters(declaration) {
  const parameters = declaration?.typeParameters;
  return parameters === undefined ? '' : `<${parameters.map(print).join(', ')}>`;
}

function heritage(declaration) {
  const clauses = declaration?.heritageClauses ?? [];
  return clauses.map((clause) => ` ${tidy(print(clause))}`).join('');
}

/** The public members of a class instance, an interface or a class's statics, one line each. */
function members(checker, type, at, options = {}) {
  const lines = [];
  for (const signature of type.getCallSignatures()) lines.push(declaredSignature(checker, signature, at));
  for (const kind of [ts.IndexKind.String, ts.IndexKind.Number]) {
    const info = checker.getIndexInfoOfType(type, kind);
    if (info !== undefined) {
      const key = kind === ts.IndexKind.String ? 'string' : 'number';
      lines.push(`${info.isReadonly ? 'readonly ' : ''}[key: ${key}]: ${checkerType(checker, info.type, at)}`);
    }
  }
  for (const property of checker.getPropertiesOfType(type)) {
    const name = property.getName();
    if (name.startsWith('__#') || name.startsWith('#') || name === 'prototype') continue;
    if (options.skip?.has(name)) continue;
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    if (!ownDeclaration(declaration)) continue;
    if (declaration !== undefined && hasModifier(declaration, ts.ModifierFlags.Private | ts.ModifierFlags.Protected))
      continue;
    const propertyType = checker.getTypeOfSymbol(property);
    const optional = property.flags & ts.SymbolFlags.Optional ? '?' : '';
    if (property.flags & ts.SymbolFlags.Method) {
      for (const signature of propertyType.getCallSignatures()) {
        lines.push(`${name}${optional}${declaredSignature(checker, signature, at)}`);
      }
      continue;
    }
    const accessorOnly =
      property.flags & ts.SymbolFlags.GetAccessor && !(property.flags & ts.SymbolFlags.SetAccessor) ? 'get ' : '';
    const readonly =
      !accessorOnly && declaration !== undefined && hasModifier(declaration, ts.ModifierFlags.Readonly)
        ? 'readonly '
        : '';
    lines.push(`${readonly}${accessorOnly}${name}${optional}: ${declaredType(checker, declaration, propertyType, at)}`);
  }
  return lines.map(tidy).sort();
}

function block(head, lines) {
  return lines.length === 0 ? `${head} {}` : [`${head} {`, ...lines.map((line) => `  ${line}`), '}'].join('\n');
}

/**
 * The names a module exports only as types (`export type { X }`, `export type * from …`, also
 * when re-exported by `export *` from such a module): a value there is usable in types alone.
 */
function typeOnlyExports(checker, file, seen = new Map()) {
  const known = seen.get(file.fileName);
  if (known !== undefined) return known;
  const typeOnly = new Set();
  const values = new Set();
  seen.set(file.fileName, typeOnly);
  for (const statement of file.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    const target = statement.moduleSpecifier && checker.getSymbolAtLocation(statement.moduleSpecifier);
    const clause = statement.exportClause;
    if (clause === undefined) {
      if (target === undefined) continue;
      const inner = target.valueDeclaration ?? target.declarations?.[0];
      const innerTypeOnly =
        inner !== undefined && ts.isSourceFile(inner) ? typeOnlyExports(checker, inner, seen) : new Set();
      for (const symbol of checker.getExportsOfModule(target)) {
        const name = symbol.getName();
        (statement.isTypeOnly || innerTypeOnly.has(name) ? typeOnly : values).add(name);
      }
    } else if (ts.isNamedExports(clause)) {
      for (const element of clause.elements) {
        (statement.isTypeOnly || element.isTypeOnly ? typeOnly : values).add(element.name.text);
      }
    } else {
      (statement.isTypeOnly ? typeOnly : values).add(clause.name.text);
    }
  }
  for (const name of values) typeOnly.delete(name);
  return typeOnly;
}

/** Every declaration an exported name stands for (a name can be a value and a type at once). */
function render(checker, name, exported, typeOnly = false) {
  const only = typeOnly ? '(type only) ' : '';
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const declarations = symbol.declarations ?? [];
  const at = declarations[0];
  const parts = [];
  const flags = symbol.flags;
  if (flags & ts.SymbolFlags.Class) {
    const declaration = declarations.find(ts.isClassDeclaration);
    const abstract =
      declaration !== undefined && hasModifier(declaration, ts.ModifierFlags.Abstract) ? 'abstract ' : '';
    const staticType = checker.getTypeOfSymbol(symbol);
    const constructors = staticType
      .getConstructSignatures()
      .filter((signature) => ownDeclaration(signature.getDeclaration()) || declaration?.heritageClauses === undefined)
      .map((signature) => {
        const own = signature.getDeclaration();
        // A private constructor sends users to a factory (`World.create`): its parameters are not the API.
        if (own !== undefined && hasModifier(own, ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) {
          return `${hasModifier(own, ts.ModifierFlags.Private) ? 'private' : 'protected'} constructor`;
        }
        return tidy(`constructor${declaredSignature(checker, signature, at).replace(/: [^:]*$/, '')}`);
      });
    const statics = members(checker, staticType, at).map((line) => `static ${line}`);
    const instance = members(checker, checker.getDeclaredTypeOfSymbol(symbol), at);
    parts.push(
      block(`${only}${abstract}class ${name}${typeParameters(declaration)}${heritage(declaration)}`, [
        ...constructors,
        ...statics,
        ...instance,
      ]),
    );
  }
  if (flags & ts.SymbolFlags.Interface) {
    const declaration = declarations.find(ts.isInterfaceDeclaration);
    parts.push(
      block(
        `interface ${name}${typeParameters(declaration)}${heritage(declaration)}`,
        members(checker, checker.getDeclaredTypeOfSymbol(symbol), at),
      ),
    );
  }
  if (flags & ts.SymbolFlags.TypeAlias) {
    const declaration = declarations.find(ts.isTypeAliasDeclaration);
    parts.push(`type ${name}${typeParameters(declaration)} = ${tidy(print(declaration.type))}`);
  }
  if (flags & ts.SymbolFlags.Enum) {
    const declaration = declarations.find(ts.isEnumDeclaration);
    parts.push(
      block(
        `${only}enum ${name}`,
        declaration.members.map((member) => tidy(print(member))),
      ),
    );
  }
  if (flags & ts.SymbolFlags.Function) {
    for (const signature of checker.getTypeOfSymbol(symbol).getCallSignatures()) {
      parts.push(tidy(`${only}function ${name}${declaredSignature(checker, signature, at)}`));
    }
  }
  if (flags & ts.SymbolFlags.Variable) {
    const declaration = declarations.find(ts.isVariableDeclaration);
    const keyword = declaration !== undefined && declaration.parent.flags & ts.NodeFlags.Const ? 'const' : 'let';
    const type = declaredType(checker, declaration, checker.getTypeOfSymbol(symbol), at);
    parts.push(tidy(`${only}${keyword} ${name}: ${type}`));
  }
  if (flags & ts.SymbolFlags.ValueModule) {
    const inner = checker
      .getExportsOfModule(symbol)
      .sort((a, b) => compareNames(a.getName(), b.getName()))
      .map((member) => render(checker, member.getName(), member));
    parts.push(block(`${only}namespace ${name}`, inner.join('\n').split('\n')));
  }
  if (parts.length === 0) parts.push(`unknown ${name}`);
  return parts.join('\n');
}

function compareNames(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The report text of each entry, by report file name. */
export function apiReports(entries) {
  const program = ts.createProgram(
    entries.map((entry) => path.resolve(ROOT, entry.source)),
    compilerOptions(),
  );
  const checker = program.getTypeChecker();
  const reports = new Map();
  for (const entry of entries) {
    const file = program.getSourceFile(path.resolve(ROOT, entry.source));
    const moduleSymbol = file === undefined ? undefined : checker.getSymbolAtLocation(file);
    const exported = moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol);
    const typeOnly = file === undefined ? new Set() : typeOnlyExports(checker, file);
    const body = exported
      .sort((a, b) => compareNames(a.getName(), b.getName()))
      .map((symbol) => render(checker, symbol.getName(), symbol, typeOnly.has(symbol.getName())))
      .join('\n');
    reports.set(
      reportName(entry.specifier),
      [
        `# \`${entry.specifier}\`: public API`,
        '',
        `${exported.length} exported names, sorted; each with its kind and declared type or signature.`,
        'Generated by `npm run api` — do not edit. `npm run check` fails when the exports differ from this file.',
        '',
        '```ts',
        body,
        '```',
        '',
      ].join('\n'),
    );
  }
  return reports;
}

/** A line diff (longest common subsequence): `- ` lines only in `before`, `+ ` only in `after`, with 2 lines of context. */
export function diffLines(before, after) {
  const a = before.split('\n');
  const b = after.split('\n');
  const lengths = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i][j] = a[i] === b[j] ? lengths[i + 1][j + 1] + 1 : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
    }
  }
  const ops = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ mark: ' ', line: a[i++], at: j++ });
    else if (j < b.length && (i === a.length || lengths[i][j + 1] >= lengths[i + 1][j]))
      ops.push({ mark: '+', line: b[j], at: j++ });
    else ops.push({ mark: '-', line: a[i++], at: j });
  }
  const changed = ops.map((op, index) => (op.mark === ' ' ? -1 : index)).filter((index) => index >= 0);
  const shown = new Set(changed.flatMap((index) => [index - 2, index - 1, index, index + 1, index + 2]));
  const out = [];
  let previous = -1;
  ops.forEach((op, index) => {
    if (!shown.has(index)) return;
    if (previous !== -1 && index !== previous + 1) out.push('  …');
    out.push(`${op.mark} ${op.line}`);
    previous = index;
  });
  return out;
}

function main(argv) {
  const mode = argv.includes('--write') ? 'write' : argv.includes('--check') ? 'check' : undefined;
  const override = argv.indexOf('--entry');
  if (mode === undefined || (override !== -1 && argv[override + 1]?.includes('=') !== true)) {
    console.error('usage: node scripts/api-report.mjs --write | --check [--entry <specifier>=<source file>]');
    return 2;
  }
  let entries = entryPoints();
  if (override !== -1) {
    const [specifier, source] = argv[override + 1].split('=');
    if (!entries.some((entry) => entry.specifier === specifier)) {
      console.error(
        `--entry: expected one of ${entries.map((entry) => entry.specifier).join(', ')}, found ${specifier}`,
      );
      return 2;
    }
    entries = [{ specifier, source: path.resolve(source) }];
  }
  const reports = apiReports(entries);
  if (mode === 'write') {
    mkdirSync(REPORT_DIR, { recursive: true });
    for (const stale of readdirSync(REPORT_DIR).filter((file) => file.endsWith('.api.md') && !reports.has(file))) {
      rmSync(path.join(REPORT_DIR, stale));
    }
    for (const [file, text] of reports) writeFileSync(path.join(REPORT_DIR, file), text);
    console.log(`api: wrote ${reports.size} reports to api/`);
    return 0;
  }
  const problems = [];
  for (const [file, text] of reports) {
    const committed = path.join(REPORT_DIR, file);
    if (!existsSync(committed)) problems.push(`api/${file}: missing (a new entry point)`);
    else {
      const before = readFileSync(committed, 'utf8');
      if (before !== text) problems.push(`api/${file}: the public API differs:\n${diffLines(before, text).join('\n')}`);
    }
  }
  if (override === -1 && existsSync(REPORT_DIR)) {
    for (const file of readdirSync(REPORT_DIR).filter((name) => name.endsWith('.api.md') && !reports.has(name))) {
      problems.push(`api/${file}: no entry point of package.json exports makes this report any more`);
    }
  }
  if (problems.length === 0) {
    console.log(`api: ${reports.size} entry points match api/`);
    return 0;
  }
  console.error(problems.join('\n\n'));
  console.error('\nThe public API changed: if that is meant, run npm run api and commit api/.');
  return 1;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
