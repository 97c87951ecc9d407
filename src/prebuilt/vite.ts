/**
 * The Vite plugin: builds the site's prebuilt index from the output folder after `vite build`
 * has written it.
 *
 * @example
 * // vite.config.ts
 * import { inpageRag } from 'inpage-rag/vite';
 * export default { plugins: [inpageRag({ out: 'rag-index', baseUrl: '/' })] };
 */
import { join, resolve } from 'node:path';
import type { BuildSiteOptions } from './site.js';

/** Options of {@link inpageRag}: those of `buildSite`, with `out` relative to the output folder. */
export interface InpageRagPluginOptions extends Omit<BuildSiteOptions, 'input' | 'out' | 'docs'> {
  /** The index folder inside the build output. Default `rag-index`. */
  out?: string;
}

/** The part of Vite's plugin interface this plugin uses (so the types need no `vite` import). */
export interface InpageRagVitePlugin {
  name: string;
  apply: 'build';
  configResolved(config: { root: string; base: string; build: { outDir: string } }): void;
  closeBundle(): Promise<void>;
}

/** A Vite plugin that runs `inpage-rag build` over the output folder at `closeBundle`. */
export function inpageRag(options: InpageRagPluginOptions = {}): InpageRagVitePlugin {
  let outDir = 'dist';
  let base = '/';
  let client = false;
  return {
    name: 'inpage-rag',
    apply: 'build',
    configResolved(config) {
      // An SSR build (`vite build --ssr`, or the server environment of an app build) writes no pages.
      if ((config.build as { ssr?: unknown }).ssr) return;
      outDir = resolve(config.root, config.build.outDir);
      base = config.base;
      client = true;
    },
    async closeBundle() {
      // Vite runs this once per environment of an app build: only the client's output has the pages.
      const consumer = (this as { environment?: { config?: { consumer?: string } } }).environment?.config?.consumer;
      if (consumer ? consumer !== 'client' : !client) return;
      const { out = 'rag-index', ...rest } = options;
      // Loaded here, not with vite.config: the parsers and the embedding runtime weigh ~0.4 s and 50 MB.
      const { buildSite } = await import('./site.js');
      // A relative base (`./`, for a site served from any folder) would make relative page URLs,
      // which resolve against whichever page shows the citation: pages are then under `/` unless
      // `baseUrl` says otherwise.
      const baseUrl = base.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(base) ? base : '/';
      const result = await buildSite({ baseUrl, ...rest, input: outDir, out: join(outDir, out) });
      console.log(`inpage-rag: indexed ${result.pages} pages (${result.chunks} chunks, ${result.embedded} embedded) into ${join(outDir, out)}`);
    },
  };
}
