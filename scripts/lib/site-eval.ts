/**
 * `eval --site <folder> --questions <qa.jsonl>`: a whole site as users meet it. The site's
 * keyword index is built with the project's builder (`buildSite`, no model), opened with the
 * loader the widget uses, and every question whose evidence lies in that site is asked once with
 * `ask()` at the shipped defaults. A question's page follows from its `doc`: the file name less a
 * leading `<name>-` prefix, with `-` read as `/` where that names a page of the site
 * (`python-faq-design.html` → `faq/design.html`).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveRagOptions } from '../../src/config.js';
import type { Answer } from '../../src/generate/ask-types.js';
import { folderFetch } from '../../src/prebuilt/file-fetch.js';
import { PrebuiltKnowledgeBase } from '../../src/prebuilt/knowledge-base.js';
import { buildSite } from '../../src/prebuilt/site.js';
import type { SearchHit } from '../../src/engine/types.js';
import { readJsonl, type EvalQuestion } from './eval-data.js';
import { answerFigures, goldUnits, scoreAnswer } from './extractive-eval.js';
import { langGroup, round } from './metrics.js';

/**
 * The site page a question's document is, or undefined when it is not in the site.
 *
 * @example
 * sitePage('python-faq-design.html', '/usr/share/doc/python3.11/html') // 'faq/design.html'
 */
export function sitePage(doc: string, site: string): string | undefined {
  const parts = doc.split('-');
  for (let skip = 0; skip < parts.length; skip++) {
    const rest = parts.slice(skip);
    // Every way of reading the remaining dashes as folder separators, fewest folders first.
    for (let folders = 0; folders < rest.length; folders++) {
      const path = [...rest.slice(0, folders), rest.slice(folders).join('-')].join('/');
      if (existsSync(join(site, path))) return path;
    }
  }
  return undefined;
}

function pathOfUrl(url: string | undefined): string {
  return (url ?? '').replace(/^https?:\/\/[^/]+/, '').replace(/^\//, '').split('#')[0];
}

/** Builds the site's keyword index, asks its questions, reports hit@1, has_gold and the first-sentence share. */
export async function evaluateSite(siteDir: string, questionsFile: string): Promise<Record<string, unknown>> {
  const site = resolve(siteDir);
  const asked = readJsonl<EvalQuestion>(resolve(questionsFile))
    .map((question) => ({ question, page: sitePage(question.doc, site) }))
    .filter((entry): entry is { question: EvalQuestion; page: string } => entry.page !== undefined);
  if (asked.length === 0) throw new Error(`No question of ${questionsFile} has its document in ${site}.`);
  const out = await mkdtemp(join(tmpdir(), 'inpage-rag-site-index-'));
  try {
    const started = performance.now();
    const built = await buildSite({ input: site, out, model: false, cacheDir: false, baseUrl: '/' });
    const buildMs = performance.now() - started;
    process.stderr.write(`eval: keyword index of ${built.pages} pages, ${built.chunks} chunks in ${(buildMs / 1000).toFixed(1)} s\n`);
    const base = 'http://site.test/index/';
    const kb = new PrebuiltKnowledgeBase(resolveRagOptions({ embedding: false }), { url: base, fetch: folderFetch(out, base).fetch });
    await kb.ready();
    const outcomes = [];
    let hitAt1 = 0;
    const details = [];
    for (const { question, page } of asked) {
      let hits: SearchHit[] = [];
      let answer: Answer | undefined;
      for await (const event of kb.ask(question.question)) {
        if (event.type === 'retrieval') hits = event.hits;
        if (event.type === 'done') answer = event.answer;
        if (event.type === 'error') throw new Error(`ask("${question.question}"): ${event.error.code} ${event.error.message}`);
      }
      if (!answer) throw new Error(`ask("${question.question}") gave no answer.`);
      const top = pathOfUrl(hits[0]?.url);
      if (top === page) hitAt1++;
      const outcome = scoreAnswer({ question: question.question, group: langGroup(question.lang), answerable: true, gold: goldUnits(question) }, answer);
      outcomes.push(outcome);
      details.push({ id: question.id, page, top, first_has_gold: outcome.firstHasGold, has_gold: outcome.hasGold, answer: answer.text.slice(0, 160) });
    }
    const figures = answerFigures(outcomes);
    return {
      schema: 1,
      site,
      pages: built.pages,
      chunks: built.chunks,
      build_s: round(buildMs / 1000, 1),
      questions: asked.length,
      'hit@1': round(hitAt1 / asked.length),
      has_gold: figures.has_gold,
      first_sentence: figures.first_has_gold,
      answered: figures.answered,
      mean_answer_chars: figures.mean_answer_chars,
      details,
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
