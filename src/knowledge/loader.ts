/**
 * Reads the knowledge directory. Every problem is reported with its file, field and reason; a broken guide is
 * left out and the valid ones are returned, so one bad file never takes the service down.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import YAML from 'yaml';
import type { z } from 'zod';
import {
  GuideFrontMatterSchema,
  IndicatorsFileSchema,
  OutOfScopeFileSchema,
  SmalltalkFileSchema,
  SynonymsFileSchema,
  CalibrationLineSchema,
  type CalibrationLine,
  type SynonymEntry,
  type Guide,
  type GuideSection,
  type Indicator,
  type OutOfScopeSubject,
  type SmalltalkIntent,
} from './schema.js';
import { CatalogFileSchema, type CatalogTopic } from './catalog.js';

export interface KnowledgeProblem {
  file: string;
  field: string;
  reason: string;
}

export interface KnowledgeBase {
  dir: string;
  guides: Guide[];
  indicators: Indicator[];
  outOfScope: OutOfScopeSubject[];
  smalltalk: SmalltalkIntent[];
  synonyms: SynonymEntry[];
  calibration: CalibrationLine[];
  catalog: CatalogTopic[];
  problems: KnowledgeProblem[];
}

const NON_GUIDE_FILES = new Set(['README.md']);

const yamlEngine = { parse: (s: string) => YAML.parse(s) as object, stringify: (o: object) => YAML.stringify(o) };

export function splitSections(body: string): GuideSection[] {
  const sections: GuideSection[] = [];
  let current: GuideSection | null = null;
  for (const line of body.split('\n')) {
    const m = /^##\s+(.+?)\s*$/.exec(line);
    if (m && !line.startsWith('###')) {
      current = { heading: m[1]!, text: '' };
      sections.push(current);
    } else if (current) {
      current.text += `${line}\n`;
    }
  }
  for (const s of sections) s.text = s.text.trim();
  return sections;
}

function zodProblems(file: string, error: z.ZodError): KnowledgeProblem[] {
  return error.issues.map((issue) => ({
    file,
    field: issue.path.length ? issue.path.join('.') : '(gốc)',
    reason: issue.message,
  }));
}

/** Parses one guide file's text. Returns the guide or the problems that keep it out. */
export function parseGuide(file: string, text: string): { guide?: Guide; problems: KnowledgeProblem[] } {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(text.normalize('NFC'), { engines: { yaml: yamlEngine } });
  } catch (err) {
    return { problems: [{ file, field: 'front-matter', reason: `YAML không đọc được: ${(err as Error).message}` }] };
  }
  if (!parsed.matter || Object.keys(parsed.data).length === 0) {
    return { problems: [{ file, field: 'front-matter', reason: 'thiếu phần front-matter giữa hai dòng ---' }] };
  }
  const result = GuideFrontMatterSchema.safeParse(parsed.data);
  if (!result.success) return { problems: zodProblems(file, result.error) };
  const body = parsed.content.trim();
  return { guide: { ...result.data, body, sections: splitSections(body), file }, problems: [] };
}

function readYaml<T>(dir: string, name: string, schema: z.ZodType<T>, problems: KnowledgeProblem[]): T | undefined {
  const path = join(dir, name);
  if (!existsSync(path)) return undefined;
  try {
    const result = schema.safeParse(YAML.parse(readFileSync(path, 'utf8').normalize('NFC')));
    if (result.success) return result.data;
    problems.push(...zodProblems(name, result.error));
  } catch (err) {
    problems.push({ file: name, field: '(gốc)', reason: `YAML không đọc được: ${(err as Error).message}` });
  }
  return undefined;
}

/** Loads guides from files given as `{file, text}` (the admin editor passes drafts the same way). */
export function loadGuideTexts(files: ReadonlyArray<{ file: string; text: string }>): {
  guides: Guide[];
  problems: KnowledgeProblem[];
} {
  const guides: Guide[] = [];
  const problems: KnowledgeProblem[] = [];
  for (const { file, text } of files) {
    const { guide, problems: p } = parseGuide(file, text);
    problems.push(...p);
    if (guide) guides.push(guide);
  }
  return { guides, problems };
}

function readCalibration(dir: string, problems: KnowledgeProblem[]): CalibrationLine[] {
  const path = join(dir, 'calibration.jsonl');
  if (!existsSync(path)) return [];
  const lines: CalibrationLine[] = [];
  readFileSync(path, 'utf8')
    .normalize('NFC')
    .split('\n')
    .forEach((raw, i) => {
      if (!raw.trim()) return;
      try {
        const parsed = CalibrationLineSchema.safeParse(JSON.parse(raw));
        if (parsed.success) lines.push(parsed.data);
        else problems.push({ file: 'calibration.jsonl', field: `dòng ${i + 1}`, reason: parsed.error.issues[0]?.message ?? 'sai định dạng' });
      } catch {
        problems.push({ file: 'calibration.jsonl', field: `dòng ${i + 1}`, reason: 'JSON không hợp lệ' });
      }
    });
  return lines;
}

export function listGuideFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && !NON_GUIDE_FILES.has(f))
    .sort();
}

export function loadKnowledgeDir(dir: string): KnowledgeBase {
  const problems: KnowledgeProblem[] = [];
  const files = listGuideFiles(dir).map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
  const { guides, problems: guideProblems } = loadGuideTexts(files);
  problems.push(...guideProblems);
  const indicators = readYaml(dir, 'indicators.yaml', IndicatorsFileSchema, problems)?.indicators ?? [];
  const outOfScope = readYaml(dir, 'out-of-scope.yaml', OutOfScopeFileSchema, problems)?.subjects ?? [];
  const smalltalk = readYaml(dir, 'smalltalk.yaml', SmalltalkFileSchema, problems)?.intents ?? [];
  const catalog = readYaml(dir, 'catalog.yaml', CatalogFileSchema, problems)?.topics ?? [];
  const synonyms = readYaml(dir, 'synonyms.yaml', SynonymsFileSchema, problems)?.synonyms ?? [];
  const calibration = readCalibration(dir, problems);
  return { dir, guides, indicators, outOfScope, smalltalk, synonyms, calibration, catalog, problems };
}
