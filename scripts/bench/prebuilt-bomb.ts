/**
 * Measures the prebuilt reader against a gzip bomb (1 GiB of zeros, about 1 MB on the wire) in
 * place of the index's packs (`pack`), and in place of its directory with a manifest that declares
 * the bomb's own sizes (`declared`: the worst a lying server can do), served from 127.0.0.1: the CPU
 * time and the peak resident set size above the process's size just before the read.
 * Run: `npx tsx scripts/bench/prebuilt-bomb.ts`.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PrebuiltIndex } from '../../src/prebuilt/reader.js';
import { buildSite } from '../../src/prebuilt/site.js';
import { startIndexServer } from '../../test/index-server.js';
import { generateSite, writeSite } from '../../test/site-generator.js';

const folder = await mkdtemp(join(tmpdir(), 'inpage-rag-bomb-'));
try {
  const pages = generateSite(60, { seed: 7 });
  await writeSite(join(folder, 'site'), pages);
  const out = join(folder, 'index');
  await buildSite({ input: join(folder, 'site'), out, model: false, cacheDir: false });
  const bomb = gzipSync(Buffer.alloc(1 << 30), { level: 9 });
  const measure = async (read: () => Promise<unknown>) => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
    const cpu = process.cpuUsage();
    const outcome = await read().then(
      () => 'answered',
      (error: { code?: string }) => error.code ?? String(error),
    );
    const used = process.cpuUsage(cpu);
    peak = Math.max(peak, process.memoryUsage().rss);
    clearInterval(sampler);
    return { outcome, cpu_s: Math.round((used.user + used.system) * 1e-3) / 1e3, peak_rss_above_mb: Math.round((peak - before) / 2 ** 20) };
  };
  const server = await startIndexServer(out, { ranges: true });
  for (const name of await readdir(out)) if (/^(lex|pack)-/.test(name)) server.override(name, (_, response) => response.writeHead(200).end(bomb));
  const index = await PrebuiltIndex.open(server.url);
  await index.directory();
  const pack = await measure(() => index.lexicalSearch(pages[4].question, 3));
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { indexes: { directory: { name: string; bytes: number; raw: number } }[] };
  const directory = manifest.indexes[0].directory;
  server.override(directory.name, (_, response) => response.writeHead(200).end(bomb));
  Object.assign(directory, { bytes: bomb.length, raw: 1 << 30 });
  server.override('manifest.json', (_, response) => response.writeHead(200).end(JSON.stringify(manifest)));
  const lying = await PrebuiltIndex.open(server.url);
  const declared = await measure(() => lying.directory());
  await server.close();
  console.log(JSON.stringify({ bomb_wire_kb: Math.round(bomb.length / 1024), pack, declared }));
} finally {
  await rm(folder, { recursive: true, force: true });
}
