/**
 * What gets indexed. Every sample question is its own entry pointing to its guide; titles, keywords,
 * summaries and body sections are entries too, with lower weights. Out-of-scope subjects and small-talk
 * intents are indexed the same way under pseudo-targets, so "not covered" and "hello" compete on equal terms.
 */
import type { KnowledgeBase } from './loader.js';
import type { Guide } from './schema.js';

export type EntryKind = 'question' | 'title' | 'keywords' | 'summary' | 'section' | 'oos' | 'smalltalk';

export interface IndexEntry {
  target: string;
  kind: EntryKind;
  /** The indexed text; emptied for lexical-only entries once the index is built (see releaseSectionTexts). */
  text: string;
  weight: number;
}

/** Body sections are matched lexically only: long texts make poor vectors and cost the most to index. */
export function hasVector(entry: IndexEntry): boolean {
  return entry.kind !== 'section';
}

export const OOS_PREFIX = 'oos:';
export const SMALLTALK_PREFIX = 'smalltalk:';

export function isGuideTarget(target: string): boolean {
  return !target.startsWith(OOS_PREFIX) && !target.startsWith(SMALLTALK_PREFIX);
}

const SECTION_WEIGHT = 0.55;
const SKIPPED_SECTIONS = new Set(['Lệ phí', 'Thời gian giải quyết']);

function stripMarkdown(text: string): string {
  return text.replace(/\[([^\]]+)\]\([^)]+\)/g, '$1').replace(/[*_`#>]/g, ' ');
}

export function guideEntries(guide: Guide): IndexEntry[] {
  const entries: IndexEntry[] = guide.questions.map((q) => ({ target: guide.id, kind: 'question', text: q, weight: 1 }));
  entries.push({ target: guide.id, kind: 'title', text: guide.title, weight: 1 });
  entries.push({ target: guide.id, kind: 'keywords', text: guide.keywords.join(' . '), weight: 0.8 });
  entries.push({ target: guide.id, kind: 'summary', text: guide.summary, weight: 0.7 });
  for (const section of guide.sections) {
    if (SKIPPED_SECTIONS.has(section.heading) || section.text.length < 20) continue;
    entries.push({ target: guide.id, kind: 'section', text: stripMarkdown(section.text), weight: SECTION_WEIGHT });
  }
  return entries;
}

export function buildEntries(kb: Pick<KnowledgeBase, 'guides' | 'outOfScope' | 'smalltalk'>): IndexEntry[] {
  const entries: IndexEntry[] = [];
  for (const guide of kb.guides) entries.push(...guideEntries(guide));
  for (const subject of kb.outOfScope) {
    for (const ex of subject.examples) entries.push({ target: OOS_PREFIX + subject.id, kind: 'oos', text: ex, weight: 1 });
    entries.push({ target: OOS_PREFIX + subject.id, kind: 'oos', text: subject.title, weight: 0.9 });
  }
  for (const intent of kb.smalltalk) {
    for (const ex of intent.examples) {
      entries.push({ target: SMALLTALK_PREFIX + intent.id, kind: 'smalltalk', text: ex, weight: 1 });
    }
  }
  return entries;
}
