/**
 * Preview of a draft: how its sample questions and a typed test question would be answered by an engine built
 * from the current guides (files + saved edits) with the draft swapped in. The engine is built by the
 * IndexBuilder (a worker thread by default) and never replaces the live one.
 */
import type { AskResponse } from '../knowledge/engine.js';
import { usableKnowledge } from '../knowledge/setup.js';
import type { IndexBuilder } from './builder.js';
import type { GuideEditor } from './editor.js';
import { assertGuideId } from './editor.js';
import { checkGuideText, withDraft, type FieldError } from './guide-validation.js';

export interface PreviewAnswer extends Omit<AskResponse, 'text' | 'candidates'> {
  kind: 'sample' | 'test';
  /** For sample questions: whether the draft answers its own question. */
  matchesDraft: boolean;
  title: string | null;
  candidates: Array<{ topic: string; score: number; title: string | null }>;
  excerpt: string;
}

export interface PreviewResponse {
  errors: FieldError[];
  answers: PreviewAnswer[];
  buildMs: number;
  guides: number;
}

const MAX_TEST_QUESTIONS = 5;
const EXCERPT_CHARS = 280;

export class GuidePreview {
  constructor(
    private readonly editor: GuideEditor,
    private readonly builder: IndexBuilder,
  ) {}

  async preview(id: string, markdown: string, testQuestions: readonly string[] = []): Promise<PreviewResponse> {
    assertGuideId(id);
    const text = markdown.replace(/\r\n/g, '\n');
    const { kb: base } = await this.editor.workingKnowledge();
    const { errors, guide } = checkGuideText(base, id, text);
    if (!guide) return { errors, answers: [], buildMs: 0, guides: 0 };

    // The other guides as the service would serve them; the draft goes in even with rule errors, so its
    // effect can be seen while it is being fixed.
    const others = withDraft(base, id, null).kb;
    const input = usableKnowledge(others, () => undefined);
    input.guides.push(guide);
    const tests = testQuestions.map((q) => q.trim()).filter(Boolean).slice(0, MAX_TEST_QUESTIONS);
    const questions = [...guide.questions, ...tests];
    const result = await this.builder.preview(input, questions);
    const titles = new Map(input.guides.map((g) => [g.id, g.title]));
    const answers = result.answers.map((a, i): PreviewAnswer => {
      const kind = i < guide.questions.length ? 'sample' : 'test';
      return {
        q: a.q,
        status: a.status,
        topic: a.topic,
        confidence: a.confidence,
        kind,
        matchesDraft: a.topic === id,
        title: a.topic ? (titles.get(a.topic) ?? null) : null,
        candidates: a.candidates.map((c) => ({ ...c, title: titles.get(c.topic) ?? null })),
        excerpt: a.text.length > EXCERPT_CHARS ? `${a.text.slice(0, EXCERPT_CHARS)}…` : a.text,
      };
    });
    return { errors, answers, buildMs: result.buildMs, guides: input.guides.length };
  }
}
