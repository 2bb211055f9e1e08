/**
 * The effective knowledge: the knowledge/ directory with the database edits laid over it. A guide edited in
 * /admin replaces the file of the same id, a guide created there is added, and a deletion hides the file.
 * Everything else (indicators, catalog, synonyms, out-of-scope, small talk, calibration) comes from the files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadKnowledgeDir, parseGuide, type KnowledgeBase } from '../knowledge/loader.js';
import type { GuideVersion } from './store.js';

/** Guide id → Markdown that replaces the file, or null when the guide is hidden (deleted in /admin). */
export type Overlay = ReadonlyMap<string, string | null>;

export const GUIDE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const guideFile = (id: string) => `${id}.md`;
const idOfFile = (file: string) => basename(file, '.md');

/** The overlay described by the newest version of each guide ("file" versions follow the file again). */
export function overlayFromVersions(versions: readonly GuideVersion[]): Map<string, string | null> {
  const overlay = new Map<string, string | null>();
  for (const v of versions) {
    if (v.state === 'markdown') overlay.set(v.guideId, v.content ?? '');
    else if (v.state === 'deleted') overlay.set(v.guideId, null);
  }
  return overlay;
}

/** The text of a guide's knowledge/ file, or undefined when there is no such file. */
export function readGuideFile(dir: string, id: string): string | undefined {
  if (!GUIDE_ID.test(id)) return undefined;
  const path = join(dir, guideFile(id));
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** Lays `overlay` over an already loaded knowledge base (problems of replaced files disappear with them). */
export function applyOverlay(files: KnowledgeBase, overlay: Overlay): KnowledgeBase {
  if (overlay.size === 0) return files;
  const guides = files.guides.filter((g) => !overlay.has(idOfFile(g.file)));
  const problems = files.problems.filter((p) => !(p.file.endsWith('.md') && overlay.has(idOfFile(p.file))));
  for (const [id, markdown] of overlay) {
    if (markdown === null) continue;
    const parsed = parseGuide(guideFile(id), markdown);
    problems.push(...parsed.problems);
    if (parsed.guide) guides.push(parsed.guide);
  }
  guides.sort((a, b) => a.file.localeCompare(b.file));
  return { ...files, guides, problems };
}

export function effectiveKnowledge(dir: string, overlay: Overlay): KnowledgeBase {
  return applyOverlay(loadKnowledgeDir(dir), overlay);
}

/** The Markdown of every effective guide by id: the overlay's text, else the file's text. */
export function effectiveGuideTexts(kb: KnowledgeBase, overlay: Overlay): Map<string, string> {
  const texts = new Map<string, string>();
  for (const g of kb.guides) {
    const id = idOfFile(g.file);
    const fromOverlay = overlay.get(id);
    const text = fromOverlay ?? readGuideFile(kb.dir, id);
    if (text !== undefined && !texts.has(id)) texts.set(id, text);
  }
  return texts;
}
