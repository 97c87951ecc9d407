/**
 * 👍/👎 feedback kept in this browser only (localStorage), never sent anywhere: a site owner can
 * read it through the `feedback` event if they choose to collect it.
 */
import type { FeedbackDetail } from './types.js';

/** The localStorage key. */
export const FEEDBACK_KEY = 'inpage-rag:feedback';
const MAX_ENTRIES = 200;

/**
 * Feedback stored so far (oldest first); empty where storage is blocked.
 *
 * @example
 * readFeedback().filter((entry) => entry.value === 'down')
 */
export function readFeedback(): FeedbackDetail[] {
  try {
    const raw = localStorage.getItem(FEEDBACK_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? (parsed as FeedbackDetail[]) : [];
  } catch {
    return [];
  }
}

/** Stores one entry, keeping the latest {@link MAX_ENTRIES}; false where storage is blocked. */
export function saveFeedback(entry: FeedbackDetail): boolean {
  try {
    const entries = [...readFeedback(), { ...entry, answer: entry.answer.slice(0, 2000) }].slice(-MAX_ENTRIES);
    localStorage.setItem(FEEDBACK_KEY, JSON.stringify(entries));
    return true;
  } catch {
    return false;
  }
}
