// Packs the package as npm would publish it, installs the tarball into a fresh folder and imports
// it; the installed `inpage-rag build` command indexes a small site with the tiny model.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PrebuiltManifest } from '../src/prebuilt/format.js';
import { generateSite, writeSite } from './site-generator.js';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'inpage-rag-pack-'));
const npmEnv = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_fund: 'false', npm_config_audit: 'false' };

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, env: npmEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('published package', () => {
  /** The folder the tarball was installed into (set by the first test). */
  let app: string | undefined;

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('builds, packs with types, installs from the tarball and imports', { timeout: 240_000 }, () => {
    npm(['run', 'build'], root);
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', work], root)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = packed[0].files.map((file) => file.path);
    expect(files).toContain('dist/src/index.js');
    expect(files).toContain('dist/src/index.d.ts');
    expect(files).toContain('dist/workers/engine.worker.js');
    expect(files).toContain('dist/workers/llm.worker.js');
    expect(files.some((path) => path.startsWith('src/') || path.startsWith('test/') || path.includes('.test.'))).toBe(false);

    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(manifest.type).toBe('module');
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.exports['.'].types).toBe('./dist/src/index.d.ts');

    expect(files).toContain('dist/src/prebuilt/cli.js');
    expect(readFileSync(join(root, 'dist/src/prebuilt/cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);

    const installed = join(work, 'app');
    execFileSync('mkdir', ['-p', installed]);
    writeFileSync(join(installed, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    npm(['install', '--prefer-offline', '--ignore-scripts', '--no-package-lock', join(work, packed[0].filename)], installed);
    const script = [
      "const m = await import('inpage-rag');",
      "const e = new m.RagError(m.ErrorCode.EMPTY_DOCUMENT, 'x');",
      'console.log(JSON.stringify({ keys: Object.keys(m).sort(), code: e.code, ok: m.isRagError(e) }));',
    ].join('\n');
    const out = JSON.parse(execFileSync('node', ['--input-type=module', '-e', script], { cwd: installed, encoding: 'utf8' }));
    expect(out.code).toBe('EMPTY_DOCUMENT');
    expect(out.ok).toBe(true);
    expect(out.keys).toEqual(expect.arrayContaining(['ErrorCode', 'RagError', 'isRagError']));
    app = installed;
  });

  it('imports the inpage-rag/build and inpage-rag/vite entries', () => {
    if (!app) throw new Error('the package was not installed (see the test before)');
    const script = [
      "const build = await import('inpage-rag/build');",
      "const vite = await import('inpage-rag/vite');",
      "const plugin = vite.inpageRag({ out: 'rag-index' });",
      'console.log(JSON.stringify({ build: Object.keys(build).sort(), vite: Object.keys(vite).sort(), name: plugin.name, apply: plugin.apply }));',
    ].join('\n');
    const out = JSON.parse(execFileSync('node', ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8' }));
    expect(out.build).toEqual(expect.arrayContaining(['buildSite', 'findPages', 'urlForPath', 'folderFetch', 'inpageRag']));
    expect(out.vite).toEqual(['inpageRag']);
    expect(out).toMatchObject({ name: 'inpage-rag', apply: 'build' });
  });

  it('runs `npx inpage-rag build` on a small site with the tiny model', { timeout: 120_000 }, async () => {
    if (!app) throw new Error('the package was not installed (see the test before)');
    const site = join(work, 'site');
    const pages = generateSite(5, { pageChars: 1500 });
    await writeSite(site, pages);
    const out = join(work, 'site-index');
    const models = join(root, 'test/fixtures/models');
    const run = spawnSync(
      'npx',
      ['--no-install', 'inpage-rag', 'build', site, '--out', out, '--model', 'tiny-bge', '--model-base-url', models, '--dtype', 'q8', '--no-cache', '--base-url', '/docs/'],
      { cwd: app, env: npmEnv, encoding: 'utf8' },
    );
    const { stdout, stderr: progress } = run;
    expect(run.status, progress).toBe(0);
    // Progress on the terminal: pages, chunks, chunks per second, time left.
    expect(progress).toMatch(/5\/5 pages/);
    expect(progress).toMatch(/\d+ chunks · \d+ chunks\/s · \d+ s left/);
    expect(stdout).toMatch(/^inpage-rag: indexed 5 pages, \d+ chunks \(\d+ embedded, 0 from the cache\)/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PrebuiltManifest;
    expect(manifest.indexes).toHaveLength(1);
    const [entry] = manifest.indexes;
    expect(entry).toMatchObject({ lang: 'en', model: { id: 'tiny-bge', dimension: 64 } });
    expect(entry.counts.pages).toBe(5);
    expect(entry.counts.chunks).toBeGreaterThanOrEqual(5);
    for (const file of [entry.directory, entry.vectors]) expect(existsSync(join(out, file!.name))).toBe(true);

    // Without the required arguments it prints its usage and exits with 2.
    const usage = spawnSync('npx', ['--no-install', 'inpage-rag', 'build', site], { cwd: app, env: npmEnv, encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('usage: inpage-rag build');
  });
});
