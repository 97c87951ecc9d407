/** Makes GitHub-style heading anchors, numbering repeats (`intro`, `intro-1`, …). */
export interface Slugger {
  slug(text: string): string;
}

/**
 * The anchor GitHub gives a heading: lower case, punctuation and symbols removed (letters of any
 * script, digits, `-` and `_` kept), spaces turned into hyphens.
 *
 * @example
 * githubSlug('Hello, World!') // 'hello-world'
 */
export function githubSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/**
 * A slugger for one document: repeated headings get `-1`, `-2`, … like on GitHub.
 *
 * @example
 * const s = createSlugger(); s.slug('A'); s.slug('A') // 'a-1'
 */
export function createSlugger(): Slugger {
  const seen = new Map<string, number>();
  return {
    slug(text: string): string {
      const base = githubSlug(text);
      let slug = base;
      let count = seen.get(base) ?? 0;
      while (seen.has(slug)) slug = `${base}-${++count}`;
      seen.set(base, count);
      seen.set(slug, 0);
      return slug;
    },
  };
}
