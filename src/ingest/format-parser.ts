import type { Block, LanguageCode, ParseWarning } from '../types.js';
import type { Deadline } from './deadline.js';

/** What one format parser returns; `parseDocument` adds id, title and language fallbacks. */
export interface FormatParseResult {
  text: string;
  blocks: Block[];
  /** Title found in the file itself (HTML `<title>`, front matter, PDF metadata, first heading). */
  title?: string;
  /** Language declared in the file itself (HTML `lang`). */
  lang?: LanguageCode;
  metadata: Record<string, unknown>;
  warnings: ParseWarning[];
}

/** What every format parser is given besides its input. */
export interface FormatParseContext {
  /** File name (or a placeholder) for messages. */
  name: string;
  /** Time limit and cancellation; synchronous parsers call `deadline.check()` between steps. */
  deadline: Deadline;
}
