/**
 * A file a comment or a doc names by path exists: `src/aws/apply/execute.ts`, `aws/assume-role.ts`
 * (under src/), `./fit.js` (next to the file), `dist/sdk/clients.js` (built from src/sdk/clients.ts),
 * a folder such as `src/engine/apply/`, or a bare `lease.ts` (in a comment: next to the file, where a
 * reader looks; in a doc: anywhere in the repository). Files move; the comments that point at them
 * are checked here so they move too.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', 'coverage', 'cdk.out']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name) || name.startsWith('.')) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The text of every comment in a TypeScript file (the parser's reading, so no string is taken for one). */
function commentsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = new Map<number, string>();
  const add = (ranges: readonly ts.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) found.set(r.pos, text.slice(r.pos, r.end));
  };
  const visit = (node: ts.Node) => {
    add(ts.getLeadingCommentRanges(text, node.pos));
    add(ts.getTrailingCommentRanges(text, node.end));
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  return [...found.values()];
}

const REPO = filesUnder(ROOT);
const NAMES = new Set(REPO.map((path) => basename(path)));
/** Top folders of the repository and of src/: a path starting with one names a file of ours. */
const OURS = new Set([
  ...readdirSync(ROOT).filter((n) => !SKIP.has(n) && statSync(join(ROOT, n)).isDirectory()),
  ...readdirSync(join(ROOT, 'src')),
  'dist',
]);

/** A path (at least one folder, then a file with an extension), or a folder ending in `/`. */
const PATH = /(?<![\w./@-])((?:\.{1,2}\/)?(?:[\w.-]+\/)+(?:[\w.-]+\.(?:ts|js|mjs|json|yaml|md))?)(?![\w/-])/g;
/** A file name on its own: `lease.ts`. */
const BARE = /(?<![\w./@-])([\w-]+\.ts)(?![\w/-])/g;

/** Where `path`, named in `file`, can be: from the repository, from src/, or next to `file`. */
function exists(path: string, file: string): boolean {
  const built = /^dist\/(.+)\.js$/.exec(path);
  const candidates = built
    ? [join(ROOT, 'src', `${built[1]}.ts`)]
    : [join(ROOT, path), join(ROOT, 'src', path), join(dirname(file), path)];
  // Imports name the built `.js` of a `.ts` file.
  return candidates.some((c) => existsSync(c) || existsSync(c.replace(/\.js$/, '.ts')));
}

/** The paths `text` (found in `file`) names that do not exist, as `file: path`. */
function missingIn(file: string, text: string): string[] {
  const missing: string[] = [];
  for (const [, path = ''] of text.matchAll(PATH)) {
    const first = path.replace(/^\.{1,2}\//, '').split('/')[0] ?? '';
    // `./keywarden.yaml` is the user's; `./fit.js` and `lib/topic.ts` are code, ours or another project's.
    const ours =
      (/\.(ts|js|mjs)$/.test(path) && (path.startsWith('.') || path.endsWith('.ts'))) || OURS.has(first);
    if (ours && !exists(path, file)) missing.push(`${relative(ROOT, file)}: ${path}`);
  }
  const code = file.endsWith('.ts');
  for (const [, name = ''] of text.matchAll(BARE)) {
    const found = code ? existsSync(join(dirname(file), name)) : NAMES.has(name);
    if (!found) missing.push(`${relative(ROOT, file)}: ${name}`);
  }
  return missing;
}

describe('paths named in comments and docs', () => {
  it('every file or folder a comment in src/ names exists', () => {
    const missing = REPO.filter((f) => relative(ROOT, f).startsWith('src/') && f.endsWith('.ts')).flatMap(
      (file) => commentsOf(file).flatMap((comment) => missingIn(file, comment)),
    );
    expect(missing).toEqual([]);
  });

  it('every file or folder the README and docs/ name exists', () => {
    const docs = [
      join(ROOT, 'README.md'),
      ...readdirSync(join(ROOT, 'docs'))
        .filter((n) => n.endsWith('.md'))
        .map((n) => join(ROOT, 'docs', n)),
    ];
    expect(docs.flatMap((file) => missingIn(file, readFileSync(file, 'utf8')))).toEqual([]);
  });

  it('catches a moved file, a relative one and a bare name', () => {
    const file = join(ROOT, 'src', 'engine', 'connect.ts');
    expect(
      missingIn(
        file,
        'see src/aws/clients.ts, aws/clients.ts, ./nowhere.ts, dist/aws/clients.js, src/nowhere/ and nowhere-else.ts; ' +
          'src/sdk/clients.ts, sdk/clients.ts, ./types.ts, dist/sdk/clients.js, src/engine/apply/ and lease.ts are fine; ' +
          'clients.ts is in another folder',
      ),
    ).toEqual([
      'src/engine/connect.ts: src/aws/clients.ts',
      'src/engine/connect.ts: aws/clients.ts',
      'src/engine/connect.ts: ./nowhere.ts',
      'src/engine/connect.ts: dist/aws/clients.js',
      'src/engine/connect.ts: src/nowhere/',
      'src/engine/connect.ts: nowhere-else.ts',
      'src/engine/connect.ts: clients.ts',
    ]);
  });
});
