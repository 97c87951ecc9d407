/**
 * Checks that a screenshot shows what a test says it shows: the PNG is decoded in the page and
 * its pixels compared with the elements' boxes and computed colours at points where nothing else
 * covers them, so a blank, clipped or wrongly themed capture fails the test.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** An RGB colour, 0–255 per channel. */
export type Rgb = [number, number, number];

/** What {@link sampleElement} found: a bare point of the element and its colours there. */
export interface ElementSample {
  /** The element's box in CSS pixels (viewport coordinates). */
  box: { x: number; y: number; width: number; height: number };
  /** A point inside the element, clear of text, where the element itself is the topmost one. */
  point: { x: number; y: number };
  /** The element's own background (or the nearest opaque ancestor's), from computed style. */
  background: Rgb;
  /** The element's computed text colour. */
  color: Rgb;
}

/**
 * Finds `selector` inside the shadow root of `host` (or in the document when `host` is null):
 * its box, a point of it covered by no descendant, and its effective colours. With
 * `needsPoint: false` an element covered by its text is accepted (its `point` is then null).
 *
 * @example
 * const panel = await sampleElement(page, 'rag-chat', '.log');
 */
export async function sampleElement(page: Page, host: string | null, selector: string, options: { needsPoint?: boolean } = {}): Promise<ElementSample> {
  const sample = await page.evaluate(
    ({ hostSelector, target }) => {
      const root: Document | ShadowRoot = hostSelector === null ? document : document.querySelector(hostSelector)!.shadowRoot!;
      const element = root.querySelector<HTMLElement>(target);
      if (!element) return null;
      const rect = element.getBoundingClientRect();
      const parse = (value: string): [number, number, number, number] => {
        const parts = (value.match(/[\d.]+/g) ?? []).map(Number);
        return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
      };
      let background: [number, number, number, number] = [0, 0, 0, 0];
      for (let node: Element | null = element; node && background[3] === 0; ) {
        background = parse(getComputedStyle(node).backgroundColor);
        node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host ?? null);
      }
      if (background[3] === 0) background = [255, 255, 255, 1];
      // Text draws inside its element's box without being an element of its own: keep clear of it.
      const textRects: DOMRect[] = [];
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        textRects.push(...range.getClientRects());
      }
      const nearText = (x: number, y: number) => textRects.some((r) => x >= r.left - 3 && x <= r.right + 3 && y >= r.top - 3 && y <= r.bottom + 3);
      let point: { x: number; y: number } | null = null;
      for (let y = Math.ceil(rect.top) + 3; y < rect.bottom - 3 && !point; y += 3) {
        for (let x = Math.ceil(rect.left) + 3; x < rect.right - 3 && !point; x += 3) {
          if (x + 2 >= innerWidth || y + 2 >= innerHeight || nearText(x, y)) continue;
          const around = [-2, 0, 2].flatMap((dx) => [-2, 0, 2].map((dy) => root.elementFromPoint(x + dx, y + dy)));
          if (around.every((found) => found === element)) point = { x, y };
        }
      }
      return {
        box: { x: rect.x, y: rect.y, width: rect.width, height: rect.height },
        point,
        background: background.slice(0, 3),
        color: parse(getComputedStyle(element).color).slice(0, 3),
      };
    },
    { hostSelector: host, target: selector },
  );
  expect(sample, `${selector} is in the page`).not.toBeNull();
  if (options.needsPoint ?? true) expect(sample!.point, `${selector} shows some of its own background`).not.toBeNull();
  return sample as ElementSample;
}

/**
 * Takes a screenshot to `path` and returns the colour of each point in it (device pixels equal
 * CSS pixels here: the default device scale factor of 1).
 *
 * @example
 * const [launcher] = await screenshotPixels(page, 'shot.png', [{ x: 10, y: 10 }]);
 */
export async function screenshotPixels(page: Page, path: string, points: { x: number; y: number }[]): Promise<Rgb[]> {
  const png = await page.screenshot({ path });
  return page.evaluate(
    async ({ base64, at }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      return at.map(({ x, y }) => {
        const [r, g, b] = context.getImageData(x, y, 1, 1).data;
        return [r, g, b] as [number, number, number];
      });
    },
    { base64: png.toString('base64'), at: points },
  );
}

/** Relative luminance (WCAG 2) of an sRGB colour, 0 (black) to 1 (white). */
export function luminance([r, g, b]: Rgb): number {
  const channel = (value: number) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG contrast ratio of two colours, 1 to 21. */
export function contrast(a: Rgb, b: Rgb): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** Expects two colours to match within `tolerance` per channel. */
export function expectColour(actual: Rgb, expected: Rgb, what: string, tolerance = 6): void {
  const off = Math.max(...actual.map((value, i) => Math.abs(value - expected[i])));
  expect(off, `${what}: screenshot has rgb(${actual.join(', ')}), the page says rgb(${expected.join(', ')})`).toBeLessThanOrEqual(tolerance);
}

/** Expects a box to lie wholly inside the viewport with a non-zero size. */
export function expectInViewport(box: ElementSample['box'], viewport: { width: number; height: number }, what: string): void {
  expect(box.width, `${what} has a width`).toBeGreaterThan(0);
  expect(box.height, `${what} has a height`).toBeGreaterThan(0);
  expect(box.x, `${what} starts inside the viewport`).toBeGreaterThanOrEqual(0);
  expect(box.y, `${what} starts inside the viewport`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `${what} ends inside the viewport`).toBeLessThanOrEqual(viewport.width + 0.5);
  expect(box.y + box.height, `${what} ends inside the viewport`).toBeLessThanOrEqual(viewport.height + 0.5);
}
