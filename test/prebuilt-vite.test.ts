/**
 * The Vite plugin (`inpage-rag/vite`): `vite build` of a small multi-page project with the plugin
 * writes the prebuilt index into the output folder at `closeBundle`, with page URLs under Vite's
 * `base`, using the tiny embedding model.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build, createBuilder } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRagOptions } from '../src/config.js';
import { folderFetch } from '../src/prebuilt/file-fetch.js';
import type { PrebuiltManifest } from '../src/prebuilt/format.js';
import { PrebuiltKnowledgeBase } from '../src/prebuilt/knowledge-base.js';
import { type InpageRagPluginOptions, inpageRag } from '../src/prebuilt/vite.js';

const models = `${resolve(import.meta.dirname, 'fixtures/models')}/`;

const PAGES: Record<string, string> = {
  'index.html': `<!doctype html><html lang="en"><head><title>Lantern guide</title></head><body>
<nav data-rag-ignore>Menu quokkaignored</nav>
<main><h1>Lantern guide</h1><p>This guide explains how the brass lantern is cleaned, filled and lit at dusk.</p></main></body></html>`,
  'guide/install.html': `<!doctype html><html lang="en"><head><title>Installing the lantern</title></head><body>
<main><h1>Installing the lantern</h1><h2 id="hook">Hanging it</h2><p>Hang the lantern from the iron hook above the porch door, two metres from the ground.</p></main></body></html>`,
  'about.html': `<!doctype html><html lang="en"><head><title>About the workshop</title></head><body>
<main><h1>About the workshop</h1><p>The workshop has made lanterns by hand in the harbour town since the old lighthouse was built.</p></main></body></html>`,
};

describe('the Vite plugin', () => {
  let folder: string;

  /** Runs `vite build` of the project with the plugin; returns the index folder. */
  async function viteBuild(name: string, base: string, options: InpageRagPluginOptions): Promise<string> {
    const outDir = join(folder, name);
    await build({
      configFile: false,
      root: folder,
      base,
      logLevel: 'silent',
      build: { outDir, rolldownOptions: { input: Object.keys(PAGES).map((path) => join(folder, path)) } },
      plugins: [inpageRag(options)],
    });
    return join(outDir, options.out ?? 'rag-index');
  }

  function open(indexDir: string, base: string) {
    const served = folderFetch(indexDir, base);
    return new PrebuiltKnowledgeBase(resolveRagOptions({ embedding: false }), { url: base, fetch: served.fetch });
  }

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'inpage-rag-vite-'));
    for (const [path, html] of Object.entries(PAGES)) {
      await mkdir(dirname(join(folder, path)), { recursive: true });
      await writeFile(join(folder, path), html);
    }
  });

  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('builds the index into the output folder at vite build', { timeout: 120_000 }, async () => {
    const indexDir = await viteBuild('dist', '/docs/', { model: 'tiny-bge', dtype: 'q8', modelBaseUrl: models, cacheDir: false });
    const manifest = JSON.parse(await readFile(join(indexDir, 'manifest.json'), 'utf8')) as PrebuiltManifest;
    expect(manifest.indexes).toHaveLength(1);
    const [entry] = manifest.indexes;
    expect(entry).toMatchObject({ lang: 'en', path: '', model: { id: 'tiny-bge', dimension: 64 } });
    expect(entry.counts.pages).toBe(3);
    expect(entry.counts.chunks).toBeGreaterThanOrEqual(3);
    expect(entry.counts.shards).toBeGreaterThanOrEqual(1);
    for (const file of [entry.directory, entry.vectors]) {
      expect(file).not.toBeNull();
      expect(existsSync(join(indexDir, file!.name))).toBe(true);
    }

    // The pages' URLs are under Vite's base; ignored parts stay out.
    const kb = open(indexDir, 'http://site.test/docs/rag-index/');
    const hits = await kb.search('iron hook above the porch door', { k: 1 });
    expect(hits[0]).toMatchObject({ url: '/docs/guide/install.html', anchor: 'hook', title: 'Installing the lantern' });
    await expect(kb.search('quokkaignored', { k: 1 })).resolves.toEqual([]);
  });

  it('gives root-relative page URLs under a relative base, into the folder named by out', { timeout: 60_000 }, async () => {
    const indexDir = await viteBuild('dist-relative', './', { model: false, out: 'search/index' });
    expect(indexDir.endsWith(join('dist-relative', 'search', 'index'))).toBe(true);
    const manifest = JSON.parse(await readFile(join(indexDir, 'manifest.json'), 'utf8')) as PrebuiltManifest;
    expect(manifest.indexes[0]).toMatchObject({ model: null, vectors: null, counts: { pages: 3 } });
    const hits = await open(indexDir, 'http://site.test/search/index/').search('iron hook above the porch door', { k: 1 });
    // './guide/install.html' would resolve against the page showing the citation.
    expect(hits[0]).toMatchObject({ url: '/guide/install.html', anchor: 'hook' });
  });

  it('indexes the client output once in an app build with a server environment, and nothing in an SSR build', { timeout: 60_000 }, async () => {
    await writeFile(join(folder, 'server.js'), 'export const render = () => "<p>server</p>";\n');
    let calls = 0;
    const plugin = inpageRag({ model: false });
    const closeBundle = plugin.closeBundle;
    plugin.closeBundle = async function (this: unknown) {
      calls++;
      return closeBundle.call(this);
    };
    const builder = await createBuilder({
      configFile: false,
      root: folder,
      logLevel: 'silent',
      environments: {
        client: { build: { outDir: join(folder, 'dist-app'), rolldownOptions: { input: Object.keys(PAGES).map((path) => join(folder, path)) } } },
        ssr: { build: { outDir: join(folder, 'dist-app/server'), rolldownOptions: { input: join(folder, 'server.js') } } },
      },
      plugins: [plugin],
    });
    await builder.buildApp();
    expect(calls).toBe(2);
    const manifest = JSON.parse(await readFile(join(folder, 'dist-app/rag-index/manifest.json'), 'utf8')) as PrebuiltManifest;
    expect(manifest.indexes[0].counts.pages).toBe(3);
    expect(existsSync(join(folder, 'dist-app/server/rag-index'))).toBe(false);

    await build({ configFile: false, root: folder, logLevel: 'silent', build: { ssr: join(folder, 'server.js'), outDir: join(folder, 'dist-ssr') }, plugins: [inpageRag({ model: false })] });
    expect(existsSync(join(folder, 'dist-ssr/rag-index'))).toBe(false);
  });
});
