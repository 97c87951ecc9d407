/**
 * Generates a static site for the prebuilt-index tests and benchmark: pages of English words (from
 * the tiny models' vocabulary, so the tiny embedder tells pages apart), each with a topic of its
 * own, sections with anchors, and one fact found on that page only (`fact`), asked about in `question`.
 * Deterministic for a seed.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** A generated page. */
export interface GeneratedPage {
  /** Path relative to the site folder (`section-3/page-42.html`, or `index.html`). */
  path: string;
  title: string;
  html: string;
  /** The anchor of the section that holds the fact. */
  anchor: string;
  /** A word no other page has, in the fact sentence. */
  code: string;
  fact: string;
  question: string;
}

/** Options of {@link generateSite}. */
export interface GenerateSiteOptions {
  /** Approximate characters of text per page. Default 5000. */
  pageChars?: number;
  seed?: number;
  /** `<html lang>` per page index; default `en` for all. */
  langOf?: (index: number) => string;
}

let vocabulary: string[] | undefined;

function words(): string[] {
  vocabulary ??= readFileSync(new URL('../scripts/fixtures/bert-uncased-tokens.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((word) => /^[a-z]{4,}$/.test(word));
  return vocabulary;
}

/** A seeded xorshift32 generator of numbers in [0, 1) (the sites' words and the bench's synthetic sites). */
export function rng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

const CODE_SYLLABLES = ['zor', 'blat', 'quin', 'vex', 'trum', 'pol', 'drak', 'mib', 'sul', 'kep'];

/** A made-up word for page `index` (letters only, so tokenizers keep it whole). */
export function codeWord(index: number): string {
  let word = 'x';
  let n = index + 11;
  while (n > 0) {
    word += CODE_SYLLABLES[n % 10];
    n = Math.floor(n / 10);
  }
  return word;
}

/**
 * Generates `count` pages; page 0 is `index.html`.
 *
 * @example
 * const pages = generateSite(300)
 * await writeSite(folder, pages)
 */
export function generateSite(count: number, options: GenerateSiteOptions = {}): GeneratedPage[] {
  const vocab = words();
  const random = rng(options.seed ?? 7);
  const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)];
  const pageChars = options.pageChars ?? 5000;
  const pages: GeneratedPage[] = [];
  for (let index = 0; index < count; index++) {
    const topic = Array.from({ length: 24 }, () => pick(vocab));
    const title = `${cap(topic[0])} and ${topic[1]} (page ${index})`;
    const sections = 4;
    const factSection = Math.floor(random() * sections);
    const code = codeWord(index);
    const fact = `The ${code} keeps its ${topic[2]} beside the ${topic[3]} during ${topic[4]}.`;
    const question = `Where does the ${code} keep its ${topic[2]}?`;
    let body = '';
    let chars = 0;
    let anchor = '';
    for (let section = 0; section < sections; section++) {
      const heading = `${cap(topic[5 + section])} ${topic[10 + section]}`;
      const id = `${topic[5 + section]}-${section}`;
      if (section === factSection) anchor = id;
      body += `<h2 id="${id}">${heading}</h2>\n`;
      const paragraphs: string[] = [];
      while (chars < ((section + 1) * pageChars) / sections) {
        const sentence = Array.from({ length: 8 + Math.floor(random() * 8) }, () => (random() < 0.55 ? pick(topic) : pick(vocab)));
        const text = `${cap(sentence.join(' '))}.`;
        paragraphs.push(text);
        chars += text.length + 1;
      }
      if (section === factSection) paragraphs.splice(Math.floor(paragraphs.length / 2), 0, fact);
      for (let p = 0; p < paragraphs.length; p += 4) body += `<p>${paragraphs.slice(p, p + 4).join(' ')}</p>\n`;
    }
    const lang = options.langOf?.(index) ?? 'en';
    const html = `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${title}</title></head>
<body><nav data-rag-ignore><a href="/">Home</a> menu ${code}menu</nav>
<main><h1>${title}</h1>
${body}</main>
<footer data-rag-ignore>Copyright footer text</footer></body></html>
`;
    const path = index === 0 ? 'index.html' : `section-${index % 10}/page-${index}.html`;
    pages.push({ path, title, html, anchor, code, fact, question });
  }
  return pages;
}

/** Writes the pages under `folder`. */
export async function writeSite(folder: string, pages: readonly GeneratedPage[]): Promise<void> {
  for (const page of pages) {
    const file = join(folder, page.path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, page.html);
  }
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
