// Packs the package as npm would publish it, installs the tarball into a fresh folder and imports it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'inpage-rag-pack-'));
const npmEnv = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_fund: 'false', npm_config_audit: 'false' };

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, env: npmEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('published package', () => {
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

    const app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    npm(['install', '--prefer-offline', '--ignore-scripts', '--no-package-lock', join(work, packed[0].filename)], app);
    const script = [
      "const m = await import('inpage-rag');",
      "const e = new m.RagError(m.ErrorCode.EMPTY_DOCUMENT, 'x');",
      'console.log(JSON.stringify({ keys: Object.keys(m).sort(), code: e.code, ok: m.isRagError(e) }));',
    ].join('\n');
    const out = JSON.parse(execFileSync('node', ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8' }));
    expect(out.code).toBe('EMPTY_DOCUMENT');
    expect(out.ok).toBe(true);
    expect(out.keys).toEqual(expect.arrayContaining(['ErrorCode', 'RagError', 'isRagError']));
  });
});
