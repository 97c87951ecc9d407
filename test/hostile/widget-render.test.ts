// Hostile answers in the widget: links only where they are safe, and answers too long or nested
// too deeply for marked shown as plain text, with no work handed to marked (and never marked's own
// error text). The DOM half (DOMPurify, the answer view) runs in the browser tests.
import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { answerHtml, createAnswerMarked, isSafeHref, MAX_MARKDOWN_CHARS } from '../../src/widget/markdown.js';

const BASE = 'https://docs.example/guide/page.html';

describe('widget links', () => {
  it('keeps http(s), same-origin relative, fragment and mailto links', () => {
    for (const href of ['https://other.example/x', 'http://other.example/', 'HTTPS://docs.example/', '#install', '/guide/', 'other.html', '../a/b?q=1#c', './x', 'mailto:team@docs.example', ' https://x.example ']) {
      expect(isSafeHref(href, BASE), href).toBe(true);
    }
  });

  it('drops protocol-relative and script links, whatever their disguise', () => {
    for (const href of [
      '//evil.example/',
      '//evil.example',
      '\\\\evil.example/',
      '/\\evil.example/',
      '\\/evil.example/',
      ' //evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      '\u0001javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'ftp://files.example/',
      'blob:https://docs.example/uuid',
    ]) {
      expect(isSafeHref(href, BASE), JSON.stringify(href)).toBe(false);
    }
  });

  it('drops relative links where the page has no origin of its own', () => {
    expect(isSafeHref('other.html', 'about:blank')).toBe(false);
    expect(isSafeHref('#top', 'about:blank')).toBe(true);
  });
});

describe('widget answers too long or too deep for Markdown', () => {
  /** The widget's marked, counting the characters handed to it. */
  function countingMarked() {
    const marked = createAnswerMarked(Marked);
    const counter = {
      chars: 0,
      parse(markdown: string) {
        counter.chars += markdown.length;
        return marked.parse(markdown);
      },
    };
    return counter;
  }

  const hostile = {
    'a 1 MB line': 'word [1] '.repeat(120_000),
    'emphasis 5,000 deep': `${'*'.repeat(5000)}a${'*'.repeat(5000)}`,
    'spaced emphasis 2,500 deep': `${'*a '.repeat(2500)}b${' c*'.repeat(2500)}`,
    'lists 5,000 deep': `${'- '.repeat(5000)}a`,
    'quotes 5,000 deep': `${'> '.repeat(5000)}a`,
    'quotes and lists 2,500 deep': `${'> - '.repeat(2500)}a`,
    'indented lists 200 deep': Array.from({ length: 200 }, (_, i) => `${' '.repeat(i * 2)}- a`).join('\n'),
  };

  it('shows each as plain text without handing marked a character', () => {
    for (const [name, text] of Object.entries(hostile)) {
      const marked = countingMarked();
      expect(answerHtml(marked, text), name).toBeUndefined();
      expect(marked.chars, name).toBe(0);
    }
  });

  it('renders ordinary answers, long ones up to the limit, as Markdown', () => {
    const marked = countingMarked();
    expect(answerHtml(marked, 'Koalas **sleep** 20 hours [1].')).toBe('<p>Koalas <strong>sleep</strong> 20 hours [1].</p>\n');
    const long = 'Koalas sleep in trees [1]. '.repeat(Math.floor(MAX_MARKDOWN_CHARS / 27));
    expect(answerHtml(marked, long)).toMatch(/^<p>Koalas/);
    expect(answerHtml(marked, `${long}more text that passes the limit`)).toBeUndefined();
    const raw = answerHtml(marked, '<script>alert(1)</script>');
    expect(raw).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(raw).not.toContain('<script');
  });

  it('falls back to text when marked fails, so its own error text is never shown', () => {
    const failing = {
      parse(): string {
        throw new Error('Something went wrong: Maximum call stack size exceeded. Please report this to marked');
      },
    };
    expect(answerHtml(failing, 'an answer')).toBeUndefined();
  });
});
