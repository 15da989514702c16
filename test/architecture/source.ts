// Reading the source tree for the architecture checks: every TypeScript file under src/, its string
// literals (through the TypeScript scanner, so comments never count) and its relative imports.

import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import ts from 'typescript'

export const ROOT = resolve(import.meta.dirname, '..', '..')

/** Every .ts file under `dir` (relative to the repository root), sorted. */
export function sourceFiles(dir = 'src'): string[] {
  const files: string[] = []
  const walk = (path: string) => {
    for (const entry of readdirSync(join(ROOT, path), {withFileTypes: true})) {
      const child = join(path, entry.name)
      if (entry.isDirectory()) walk(child)
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(child)
    }
  }
  walk(dir)
  return files.sort()
}

export interface Literal {
  readonly line: number
  /** The literal's text; a template's substitutions read as `${…}`. */
  readonly text: string
}

/** The string and template literals of a source text. */
export function stringLiterals(source: string, fileName = 'file.ts'): Literal[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true)
  const literals: Literal[] = []
  const add = (node: ts.Node, text: string) =>
    literals.push({line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, text})
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) add(node, node.text)
    else if (ts.isTemplateExpression(node)) {
      add(node, node.head.text + node.templateSpans.map((span) => '${…}' + span.literal.text).join(''))
    }
    // Module specifiers are strings too, but never SQL: skip them.
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return
    ts.forEachChild(node, visit)
  }
  visit(file)
  return literals
}

/**
 * SQL text: a literal that starts like a statement (upper-case keywords, as this code base writes
 * them), or a parameterised fragment (`WHERE x = $1`, `SET a = $2`, `VALUES ($1`).
 */
const STATEMENT =
  /^\s*(SELECT\s|INSERT\s+INTO\s|UPDATE\s+[\w."]+\s+SET\s|DELETE\s+FROM\s|WITH\s+\w+\s+AS\s*\(|(CREATE|DROP|ALTER)\s+(TABLE|INDEX|UNIQUE\s+INDEX|SCHEMA|DATABASE|SEQUENCE|TRIGGER|FUNCTION|EXTENSION|TYPE|VIEW)\s|LOCK\s+TABLE\s|(UN)?LISTEN\s|NOTIFY\s|TRUNCATE\s|BEGIN\b|COMMIT\b|ROLLBACK\b|SAVEPOINT\s)/
const FRAGMENT = /\b(WHERE|AND|OR|SET|VALUES|ON CONFLICT|ORDER BY|RETURNING|FROM|JOIN)\b[^\n]*\$\d+/
const SCHEMA_TABLE = /\b(FROM|JOIN|INTO|UPDATE|TABLE)\s+mzcluster\.\w+/

export function isSql(text: string): boolean {
  return STATEMENT.test(text) || FRAGMENT.test(text) || SCHEMA_TABLE.test(text)
}

/** The SQL literals of a source text. */
export function sqlLiterals(source: string, fileName?: string): Literal[] {
  return stringLiterals(source, fileName).filter((literal) => isSql(literal.text))
}

/** The repository-relative paths a file imports (relative specifiers only, static and dynamic). */
export function relativeImports(path: string): string[] {
  const source = readFileSync(join(ROOT, path), 'utf8')
  const specifiers = [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1] as string)
  return specifiers.map((specifier) => relative(ROOT, resolve(ROOT, dirname(path), specifier)).replace(/\.js$/, '.ts'))
}

export function read(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8')
}
