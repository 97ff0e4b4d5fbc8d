/** An answer the server can confirm unchanged by its etag (NodeList with ifNoneMatch, say). */
type Tagged = { etag?: string; notModified?: boolean };

/** How many listings are kept: the last few filters a user moved between. */
const KEEP = 4;
const entries = new Map<string, Tagged>();

/** The last answer kept for this listing, if any (to draw at once while it is asked for again). */
export function keptList<T extends Tagged>(key: string): T | undefined {
  return entries.get(key) as T | undefined;
}

/**
 * Asks for a listing with the etag of the answer kept for it: when the server says it has not changed, resolves with
 * that same kept object (so whatever draws it sees nothing new and does no work, and no list is sent or parsed);
 * otherwise keeps and resolves with the new answer. Keeps the last KEEP listings, least recently used out first.
 */
export async function askWithKept<T extends Tagged>(key: string, ask: (ifNoneMatch: string) => Promise<T>): Promise<T> {
  const kept = entries.get(key) as T | undefined;
  let answer = await ask(kept?.etag ?? '');
  if (answer.notModified && (!kept || kept.etag !== answer.etag)) answer = await ask(''); // kept one dropped meanwhile
  const value = answer.notModified ? kept! : answer;
  entries.delete(key);
  entries.set(key, value);
  for (const oldest of entries.keys()) {
    if (entries.size <= KEEP) break;
    entries.delete(oldest);
  }
  return value;
}

/** Forgets every kept listing (tests; a change of server). */
export function forgetKeptLists(): void {
  entries.clear();
}
