import { RagError, isRagError } from '../errors.js';
import type { ParseWarning } from '../types.js';
import { isZip } from './detect-format.js';
import { checkDocxSizes } from './docx-zip.js';
import type { FormatParseContext, FormatParseResult } from './format-parser.js';
import { parseHtml } from './html.js';

/** Word's own title styles become headings too (mammoth maps Heading 1–6 already). */
const STYLE_MAP = ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => h2:fresh"];
/** At most this many of mammoth's messages are kept as warnings. */
const MAX_WARNINGS = 20;

function invalid(name: string, reason: string, cause?: unknown): RagError {
  return new RagError('DOCX_INVALID', `${name} is not a valid Word document (${reason}); open it in Word or LibreOffice and save it as .docx again.`, {
    cause,
    details: { name },
  });
}

/**
 * Parses a Word document: mammoth turns it into HTML (headings from the Heading 1–6 and Title
 * styles, lists, tables), which then goes through the same path as any HTML ({@link parseHtml}),
 * so the text rules are identical. Images are skipped without being decoded. Title: the first
 * heading. Not a zip, or a zip without a Word document inside → `DOCX_INVALID`; parts that would
 * inflate past 256 MiB (`DOCX_MAX_UNCOMPRESSED_BYTES`) → `INPUT_TOO_LARGE`, before anything is inflated.
 *
 * mammoth is loaded on first use; bundlers must honour its package.json `browser` field (Vite
 * and webpack do by default), which swaps its Node-only file access for an `arrayBuffer` reader.
 *
 * @example
 * const doc = await parseDocx(bytes, ctx)
 * doc.blocks[0].kind // 'heading'
 */
export async function parseDocx(bytes: Uint8Array, context: FormatParseContext): Promise<FormatParseResult> {
  const { deadline, name } = context;
  if (!isZip(bytes)) throw invalid(name, 'it is not a zip archive');
  // Before mammoth, which inflates each entry whole: a zip bomb is refused from its directory.
  await checkDocxSizes(bytes, context);
  const mammothModule = await deadline.race(import('mammoth'));
  // A CommonJS module: its exports arrive as `default` (Node, most bundlers) or as the namespace.
  const mammoth = ((mammothModule as unknown as { default?: unknown }).default ?? mammothModule) as typeof mammothModule.default;
  const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  // Node's build of mammoth reads `buffer`, its browser build reads `arrayBuffer`: pass both.
  const input = { arrayBuffer, buffer: new Uint8Array(arrayBuffer) } as unknown as { arrayBuffer: ArrayBuffer };
  let html: string;
  let messages: ReadonlyArray<{ type: string; message: string }>;
  try {
    const result = await deadline.race(
      mammoth.convertToHtml(input, {
        styleMap: STYLE_MAP,
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
      }),
    );
    html = result.value;
    messages = result.messages;
  } catch (error) {
    if (isRagError(error)) throw error;
    throw invalid(name, error instanceof Error ? error.message : String(error), error);
  }
  deadline.check();
  const parsed = await parseHtml(html, context);
  // Word bookmarks (`_Toc…`) are not URL fragments anyone can link to: drop the anchors.
  for (const block of parsed.blocks) delete block.anchor;
  const warnings: ParseWarning[] = messages
    .slice(0, MAX_WARNINGS)
    .map((m) => ({ code: m.type === 'error' ? 'DOCX_ERROR' : 'DOCX_WARNING', message: `${name}: ${m.message}` }));
  return { text: parsed.text, blocks: parsed.blocks, title: parsed.firstHeading, metadata: {}, warnings };
}
