/**
 * Triage of the questions the assistant could not answer (and of answers marked 👎): the queue with its
 * clusters, and the three actions an administrator takes on a cluster or a single question. Every action
 * records who and when; actions that teach the engine write the knowledge directory and republish.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { AnswerEngine } from '../knowledge/engine.js';
import { redactPii } from '../privacy/redact.js';
import { MAX_STORED_TEXT } from './recorder.js';
import { clusterTurns, type Cluster, type EmbedTexts, type TopicLabeller } from './clustering.js';
import { appendOutOfScopeQuestions, attachQuestionsToGuide, restoreFile, type WriteResult } from './knowledge-writer.js';
import type { TriageActionKind, TriageActionRow, TurnLogStore, TurnQuery, TurnRow } from './store.js';

export const MAX_QUESTION_CHARS = 600;
const MAX_QUESTIONS_PER_ACTION = 20;
const MAX_TURNS_PER_ACTION = 5000;
const QUEUE_CLUSTER_WINDOW = 2000;
const LABEL_CACHE_SIZE = 5000;
const CLUSTER_CACHE_SIZE = 4;

export interface TurnView {
  id: string;
  at: string;
  day: string;
  channel: string;
  commune: string | null;
  text: string;
  status: string;
  topic: string | null;
  indicator: string | null;
  confidence: number;
  candidates: Array<{ topic: string; score: number }>;
  vote: string | null;
  forwarded: boolean;
  triageState: string;
}

export function toTurnView(t: TurnRow): TurnView {
  return {
    id: t.id, at: t.at.toISOString(), day: t.day, channel: t.channel, commune: t.commune, text: t.text,
    status: t.status, topic: t.topic, indicator: t.indicator, confidence: t.confidence, candidates: t.candidates,
    vote: t.vote, forwarded: t.forwarded, triageState: t.triageState,
  };
}

export interface TriageActionInput {
  actor: string;
  kind: TriageActionKind;
  turnIds: string[];
  guideId?: string;
  note?: string;
  /** The questions to write; by default the distinct texts of the selected turns. */
  questions?: string[];
}

export interface TriageDeps {
  store: TurnLogStore;
  knowledgeDir: string;
  engine: () => AnswerEngine;
  embed: EmbedTexts;
  republish: () => Promise<void>;
  similarity: number;
  labelMinScore: number;
  now?: () => Date;
}

export type QueueFilter = Pick<TurnQuery, 'search' | 'commune' | 'indicator' | 'statuses' | 'vote' | 'fromDay' | 'toDay' | 'limit' | 'offset'>;

export class TriageService {
  private readonly labelCache = new Map<string, { topic: string; score: number } | null>();
  private readonly clusterCache = new Map<string, Promise<Cluster[]>>();
  private serial: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: TriageDeps) {}

  readonly labeller: TopicLabeller = {
    nearest: async (question) => {
      const engine = this.deps.engine();
      const key = `${engine.indexHash}\u0000${question}`;
      if (this.labelCache.has(key)) return this.labelCache.get(key)!;
      const top = (await engine.ask(question)).candidates[0] ?? null;
      if (this.labelCache.size >= LABEL_CACHE_SIZE) this.labelCache.delete(this.labelCache.keys().next().value!);
      this.labelCache.set(key, top);
      return top;
    },
    indicatorOf: (topic) => {
      const engine = this.deps.engine();
      const guide = engine.guide(topic);
      if (!guide) return null;
      const indicator = engine.indicatorList().find((i) => i.id === guide.indicator);
      return { id: guide.indicator, title: indicator?.title ?? guide.indicator };
    },
  };

  /**
   * Clusters turns; the last few results are kept, keyed by the index and the exact turns, so reloading the
   * dashboard does not recompute what has not changed.
   */
  cluster(turns: readonly TurnRow[]): Promise<Cluster[]> {
    const key = createHash('sha256')
      .update(this.deps.engine().indexHash)
      .update(turns.map((t) => `${t.id}\u0000${t.vote ?? ''}`).join('\u0001'))
      .digest('hex');
    const cached = this.clusterCache.get(key);
    if (cached) return cached;
    const result = clusterTurns(turns, this.deps.embed, this.labeller, {
      similarity: this.deps.similarity,
      labelMinScore: this.deps.labelMinScore,
    });
    this.clusterCache.set(key, result);
    result.catch(() => this.clusterCache.delete(key));
    while (this.clusterCache.size > CLUSTER_CACHE_SIZE) this.clusterCache.delete(this.clusterCache.keys().next().value!);
    return result;
  }

  /** Open uncovered/👎 questions (newest first, paged) and the clusters of the newest open questions. */
  async queue(filter: QueueFilter): Promise<{ total: number; turns: TurnView[]; clusters: Cluster[] }> {
    const query: TurnQuery = { ...filter, needsTriage: true, triageState: 'open' };
    const [total, page, window] = await Promise.all([
      this.deps.store.countTurns(query),
      this.deps.store.listTurns(query),
      this.deps.store.listTurns({ ...query, limit: QUEUE_CLUSTER_WINDOW, offset: 0 }),
    ]);
    return { total, turns: page.map(toTurnView), clusters: await this.cluster(window) };
  }

  actions(limit: number): Promise<TriageActionRow[]> {
    return this.deps.store.listTriageActions(limit);
  }

  /** Runs one action at a time: knowledge writes and index builds must not interleave. */
  act(input: TriageActionInput): Promise<{ action: TriageActionRow; added: string[]; moved: number }> {
    const run = this.serial.then(() => this.actNow(input));
    this.serial = run.catch(() => undefined);
    return run;
  }

  private async actNow(input: TriageActionInput): Promise<{ action: TriageActionRow; added: string[]; moved: number }> {
    const actor = input.actor.normalize('NFC').trim();
    if (!actor) throw new AppError('invalid_request', 'Cần tên người thao tác.');
    const ids = [...new Set(input.turnIds)];
    if (ids.length === 0) throw new AppError('invalid_request', 'Chưa chọn câu hỏi nào.');
    if (ids.length > MAX_TURNS_PER_ACTION) throw new AppError('invalid_request', `Mỗi lần chỉ xử lý tối đa ${MAX_TURNS_PER_ACTION} câu hỏi.`);
    const turns = await this.deps.store.listTurns({ ids, limit: ids.length });
    if (turns.length !== ids.length) {
      const found = new Set(turns.map((t) => t.id));
      const missing = ids.filter((id) => !found.has(id));
      throw new AppError('not_found', `Không tìm thấy ${missing.length} câu hỏi (có thể đã quá hạn lưu giữ).`, { missing: missing.slice(0, 10) });
    }
    const questions = this.questionsFor(input, turns);

    let written: WriteResult | undefined;
    let guideId: string | null = null;
    const note = input.note?.normalize('NFC').trim() || null;
    if (input.kind === 'attach_to_guide') {
      guideId = input.guideId?.trim() ?? '';
      if (!guideId) throw new AppError('invalid_request', 'Cần chọn hướng dẫn để gắn câu hỏi.');
      if (!this.deps.engine().guide(guideId)) throw new AppError('not_found', `Không có hướng dẫn "${guideId}".`);
      written = attachQuestionsToGuide(this.deps.knowledgeDir, guideId, questions);
    } else if (input.kind === 'out_of_scope') {
      written = appendOutOfScopeQuestions(this.deps.knowledgeDir, questions);
    } else if (input.kind === 'needs_new_guide') {
      if (!note || note.length < 3) throw new AppError('invalid_request', 'Cần ghi chú nội dung hướng dẫn mới.');
    } else {
      throw new AppError('invalid_request', 'Thao tác không hợp lệ.');
    }

    if (written && written.added.length > 0) {
      try {
        await this.deps.republish();
      } catch (err) {
        restoreFile(this.deps.knowledgeDir, written);
        throw new AppError('index_build_failed', `Đã huỷ thay đổi vì không xây lại được chỉ mục: ${(err as Error).message}`);
      }
    }

    const action: TriageActionRow = {
      id: randomUUID(),
      at: this.deps.now?.() ?? new Date(),
      actor: actor.slice(0, 80),
      kind: input.kind,
      guideId,
      note: note ? redactPii(note).slice(0, MAX_STORED_TEXT) : null,
      questions,
      turnIds: ids,
    };
    const moved = await this.deps.store.recordTriageAction(action);
    return { action, added: written?.added ?? [], moved };
  }

  private questionsFor(input: TriageActionInput, turns: TurnRow[]): string[] {
    const source = input.questions?.length ? input.questions : turns.map((t) => t.text);
    const seen = new Set<string>();
    const out: string[] = [];
    for (const raw of source) {
      // An administrator may type a question by hand; it is redacted like everything else we store.
      const q = redactPii(raw.normalize('NFC')).replace(/\s+/g, ' ').trim();
      if (q.length < 3 || seen.has(q.toLowerCase())) continue;
      if (q.length > MAX_QUESTION_CHARS) {
        if (input.questions?.length) throw new AppError('invalid_request', `Câu hỏi mẫu dài quá ${MAX_QUESTION_CHARS} ký tự, hãy rút gọn.`);
        continue;
      }
      seen.add(q.toLowerCase());
      out.push(q);
      if (out.length >= MAX_QUESTIONS_PER_ACTION) break;
    }
    if (out.length === 0 && input.kind !== 'needs_new_guide') {
      throw new AppError('invalid_request', 'Không có câu hỏi nào đủ điều kiện để ghi vào kho kiến thức (mỗi câu 3–600 ký tự).');
    }
    return out;
  }
}
