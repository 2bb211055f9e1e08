/** Zod schemas of the knowledge files: guide front-matter, indicators, out-of-scope subjects, small talk. */
import { z } from 'zod';

export const GROUPS = ['vneid', 'dvc06', 'thanh-toan', 'chung'] as const;
export type Group = (typeof GROUPS)[number];

export const REQUIRED_SECTIONS = [
  'Ai làm được',
  'Làm ở đâu',
  'Giấy tờ cần có',
  'Các bước',
  'Lệ phí',
  'Thời gian giải quyết',
  'Vướng mắc thường gặp',
] as const;

export const MAX_BODY_CHARS = 6000;
export const MIN_QUESTIONS = 10;
export const UNCONFIRMED_MARK = 'chưa xác minh';

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'phải là chữ thường không dấu, nối bằng dấu gạch ngang');

const httpsUrl = z
  .string()
  .url('không phải địa chỉ web hợp lệ')
  .refine((u) => u.startsWith('https://'), 'nguồn phải dùng https://');

/** YAML turns `2026-11-22` into a Date; accept both and keep an ISO date string. */
const isoDate = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'ngày phải có dạng YYYY-MM-DD'),
);

export const GuideFrontMatterSchema = z.object({
  id: slug,
  title: z.string().min(5).max(200),
  group: z.enum(GROUPS),
  indicator: slug,
  summary: z.string().min(20).max(400),
  questions: z.array(z.string().min(3).max(600)).min(MIN_QUESTIONS, `cần ít nhất ${MIN_QUESTIONS} câu hỏi mẫu`),
  keywords: z.array(z.string().min(2)).min(1),
  sources: z.array(z.object({ title: z.string().min(3), url: httpsUrl })).min(1),
  updated: isoDate,
});
export type GuideFrontMatter = z.infer<typeof GuideFrontMatterSchema>;

export interface GuideSection {
  heading: string;
  text: string;
}

export interface Guide extends GuideFrontMatter {
  /** Markdown body without the front-matter. */
  body: string;
  sections: GuideSection[];
  /** Path relative to the knowledge directory, for error messages. */
  file: string;
}

export const IndicatorsFileSchema = z.object({
  indicators: z
    .array(
      z.object({
        id: slug,
        title: z.string().min(5),
        target: z.number().min(0).max(100).optional(),
      }),
    )
    .min(1),
});
export type Indicator = z.infer<typeof IndicatorsFileSchema>['indicators'][number];

export const OutOfScopeFileSchema = z.object({
  subjects: z.array(
    z.object({
      id: slug,
      title: z.string().min(3),
      examples: z.array(z.string().min(2)).min(1),
    }),
  ),
});
export type OutOfScopeSubject = z.infer<typeof OutOfScopeFileSchema>['subjects'][number];

export const SMALLTALK_INTENTS = ['greeting', 'thanks', 'goodbye', 'identity', 'presence', 'ack', 'wellwish'] as const;
export const SmalltalkFileSchema = z.object({
  intents: z.array(
    z.object({
      id: z.enum(SMALLTALK_INTENTS),
      examples: z.array(z.string().min(1)).min(1),
      replies: z.array(z.string().min(2)).min(1),
    }),
  ),
});
export type SmalltalkIntent = z.infer<typeof SmalltalkFileSchema>['intents'][number];

export const SynonymsFileSchema = z.object({
  synonyms: z.array(
    z.object({
      canonical: z.string().min(2),
      terms: z.array(z.string().min(2)).min(1),
    }),
  ),
});
export type SynonymEntry = z.infer<typeof SynonymsFileSchema>['synonyms'][number];

/** A labelled question used to calibrate confidence (knowledge/calibration.jsonl). */
export const CalibrationLineSchema = z.object({
  q: z.string().min(1),
  expect: z.string().min(1),
  alt: z.array(z.string()).default([]),
  style: z.string().optional(),
});
export type CalibrationLine = z.infer<typeof CalibrationLineSchema>;
