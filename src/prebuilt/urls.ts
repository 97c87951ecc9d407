/**
 * Page URLs from file paths: `index.html` is its folder's URL, `guide/install.html` stays as it
 * is (or `guide/install` with clean URLs), Markdown sources become the HTML pages a site
 * generator makes of them; all under a base URL.
 */

/** Options of {@link urlForPath}. */
export interface PageUrlOptions {
  /** Where the folder is served: `/`, `/docs/` or `https://example.com/docs/`. Default `/`. */
  baseUrl?: string;
  /** Drop `.html` from page URLs (hosts that serve `/guide/install` for `guide/install.html`). Default false. */
  cleanUrls?: boolean;
}

/** The base URL with one trailing slash. */
export function normalizeBaseUrl(baseUrl = '/'): string {
  return baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
}

/**
 * The URL of the page built from a file, given its path relative to the site folder.
 *
 * @example
 * urlForPath('index.html', { baseUrl: '/docs/' })          // '/docs/'
 * urlForPath('guide/index.html')                           // '/guide/'
 * urlForPath('guide/install.html', { cleanUrls: true })    // '/guide/install'
 * urlForPath('notes/intro.md')                             // '/notes/intro.html'
 */
export function urlForPath(relativePath: string, options: PageUrlOptions = {}): string {
  const base = normalizeBaseUrl(options.baseUrl);
  const parts = relativePath.split(/[/\\]+/).filter((part) => part !== '' && part !== '.');
  let file = parts.pop() ?? '';
  file = file.replace(/\.(md|markdown)$/i, '.html').replace(/\.htm$/i, '.html');
  if (/^(index|readme)\.html$/i.test(file)) file = '';
  else if (options.cleanUrls) file = file.replace(/\.html$/i, '');
  const path = [...parts, file].map((part) => encodeURIComponent(part)).join('/');
  return base + path;
}

/** The language group an index is built for: the primary subtag (`zh-Hans` and `zh-Hant` → `zh`), `und` when unknown. */
export function languageGroup(lang: string | undefined): string {
  const primary = (lang ?? '').toLowerCase().split('-')[0];
  return /^[a-z]{2,3}$/.test(primary) ? primary : 'und';
}
