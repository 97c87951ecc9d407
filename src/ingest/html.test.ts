import { defaultTreeAdapter } from 'parse5';
import { describe, expect, it, vi } from 'vitest';
import type { ParsedDocument } from '../types.js';
import { parseDocument } from './parse-document.js';

function blockTexts(doc: ParsedDocument): string[] {
  return doc.blocks.map((b) => doc.text.slice(b.start, b.end));
}

const html = (body: string, head = '<title>Page title</title>'): string =>
  `<!doctype html><html lang="en-GB"><head>${head}<meta name="description" content="About birds"></head><body>${body}</body></html>`;

describe('HTML text', () => {
  it('joins inline elements exactly and separates block elements', async () => {
    const doc = await parseDocument({
      name: 'a.html',
      html: html('<p>Use <code>pip</code><em>install</em> <a href="#x">now</a>, <b>b</b><i>i</i><span>s</span>.</p><div>one</div><div>two<p>three</p></div>'),
    });
    expect(blockTexts(doc)).toEqual(['Use pipinstall now, bis.', 'one', 'two', 'three']);
    expect(blockTexts(doc).join('\n\n')).toBe(doc.text);
  });

  it('collapses whitespace except inside pre, keeps lines for li and br, tabs between cells', async () => {
    const doc = await parseDocument({
      name: 'a.html',
      html: html(
        '<p>  many   spaces\n\n and\tlines </p><pre>  keep\n    this  </pre>' +
          '<ul>\n<li>first <b>item</b></li>\n<li>second<ul><li>inner</li></ul></li></ul>' +
          '<p>line<br>break</p><table><tr><th>Name</th><th>Age</th></tr><tr><td><p>Ann</p></td><td>7</td></tr></table>' +
          '<p>&amp; &lt;tag&gt; &copy;&nbsp;x</p>',
      ),
    });
    expect(blockTexts(doc)).toEqual([
      'many spaces and lines',
      '  keep\n    this',
      'first item\nsecond\ninner',
      'line\nbreak',
      'Name\tAge\nAnn\t7',
      '& <tag> ©\u00a0x',
    ]);
    expect(doc.blocks.map((b) => b.kind)).toEqual(['paragraph', 'code', 'list', 'paragraph', 'table', 'paragraph']);
  });

  it('drops invisible and excluded content', async () => {
    const doc = await parseDocument({
      name: 'a.html',
      html: html(
        '<nav>Menu</nav><script>var x = 1</script><style>p{}</style><noscript>Enable JS</noscript><template><p>tpl</p></template>' +
          '<aside>Side</aside><form><label>Name</label><input></form><footer>Foot</footer>' +
          '<p hidden>Hidden</p><p aria-hidden="true">Aria</p><p style="display: none">None</p><div role="navigation">Nav role</div>' +
          '<div data-rag-ignore><p>Ignored <b>deeply</b></p></div><p>Visible</p>',
      ),
    });
    expect(doc.text).toBe('Visible');
  });

  it('keeps only data-rag-body content when present', async () => {
    const doc = await parseDocument({
      name: 'a.html',
      html: html('<h1>Site</h1><p>Chrome</p><main data-rag-body><h2 id="a">Body</h2><p>Kept</p></main><p>Between</p><div data-rag-body>Also kept</div>'),
    });
    expect(blockTexts(doc)).toEqual(['Body', 'Kept', 'Also kept']);
    expect(doc.blocks[1].headingPath).toEqual(['Body']);
  });

  it('builds heading paths and anchors from ids on, inside and just before headings', async () => {
    const doc = await parseDocument({
      name: 'a.html',
      html: html(
        '<h1 id="top">Guide</h1><p>Intro</p>' +
          '<section id="install"><h2>Install<a class="headerlink" href="#install">¶</a></h2><p>Run it.</p>' +
          '<h3><a id="linux"></a>On Linux</h3><p>Use apt.</p><h3>Elsewhere</h3><p>Ask.</p></section>' +
          '<a name="usage"></a><h2>Usage</h2><p>Call it.</p>',
      ),
    });
    const byText = new Map(doc.blocks.map((b) => [doc.text.slice(b.start, b.end), b]));
    expect(byText.get('Intro')).toMatchObject({ headingPath: ['Guide'], anchor: 'top' });
    expect(byText.get('Install')).toMatchObject({ kind: 'heading', headingPath: ['Guide', 'Install'], anchor: 'install' });
    expect(byText.get('Use apt.')).toMatchObject({ headingPath: ['Guide', 'Install', 'On Linux'], anchor: 'linux' });
    expect(byText.get('Ask.')).toMatchObject({ headingPath: ['Guide', 'Install', 'Elsewhere'], anchor: 'install' });
    expect(byText.get('Call it.')).toMatchObject({ headingPath: ['Guide', 'Usage'], anchor: 'usage' });
  });

  it('takes title from <title>, else the first h1; lang from <html lang>; meta into metadata', async () => {
    const doc = await parseDocument({ name: 'a.html', html: html('<h1>Heading</h1><p>Text</p>') });
    expect(doc).toMatchObject({ title: 'Page title', lang: 'en', metadata: { description: 'About birds' } });
    const noTitle = await parseDocument({ name: 'b.html', html: '<h2>Sub</h2><h1>Main <i>one</i></h1><p>x</p>' });
    expect(noTitle.title).toBe('Main one');
    const zh = await parseDocument({ name: 'c.html', html: '<html lang="zh-TW"><p>我们这个</p></html>' });
    expect(zh.lang).toBe('zh-Hant');
    const detected = await parseDocument({ name: 'd.html', html: '<p>我們這個時候還沒有說過。</p>' });
    expect(detected.lang).toBe('zh-Hant');
  });

  it('detects HTML by MIME type, extension and doctype, and honours <meta charset>', async () => {
    const bytes = new TextEncoder().encode('<!DOCTYPE html><title>T</title><p>Hi</p>');
    expect((await parseDocument({ bytes })).format).toBe('html');
    expect((await parseDocument({ bytes, mimeType: 'text/html; charset=utf-8' })).format).toBe('html');
    const latin = new Uint8Array([...[...'<meta charset="iso-8859-1"><p>caf'].map((c) => c.charCodeAt(0)), 0xe9, 0x3c, 0x2f, 0x70, 0x3e]);
    expect((await parseDocument({ name: 'l.htm', bytes: latin })).text).toBe('café');
  });

  it('walks 10,000 nested elements without overflowing the stack', async () => {
    const depth = 10_000;
    const doc = await parseDocument({
      name: 'deep.html',
      html: `${'<div>'.repeat(depth)}deep <b>text</b>${'</div>'.repeat(depth)}${'<span>'.repeat(depth)}inline${'</span>'.repeat(depth)}`,
    });
    expect(blockTexts(doc)).toEqual(['deep text', 'inline']);
  });

  it('stops a 20 MB single-line page at the time limit while parse5 is still building it', async () => {
    const paragraphs = (20 * 1024 * 1024) / 28;
    const line = `<html><body>${'<p>Some words <b>here</b></p>'.repeat(paragraphs)}</body></html>`;
    // The clock jumps past the limit once parse5 has made 1,000 elements; the elements made before
    // the parser stops show how often it looks at the deadline (a parser that reads the whole page
    // first would make all 1.5 million).
    const realNow = Date.now.bind(Date);
    let skew = 0;
    let elements = 0;
    const createElement = defaultTreeAdapter.createElement;
    const spy = vi.spyOn(defaultTreeAdapter, 'createElement').mockImplementation((...args) => {
      if (++elements === 1000) skew = 3_600_000;
      return createElement(...args);
    });
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + skew);
    try {
      await expect(parseDocument({ name: 'huge.html', html: line }, { timeoutMs: 60_000 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    } finally {
      vi.restoreAllMocks();
    }
    expect(spy).toHaveBeenCalled();
    expect(elements).toBeGreaterThanOrEqual(1000);
    expect(elements).toBeLessThan(paragraphs * 2 * 0.05);
  });
});
