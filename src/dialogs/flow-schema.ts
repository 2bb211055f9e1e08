/**
 * The shape of a flow file (`flows/*.yaml`): an id, a title, trigger phrases and a list of steps, each with a
 * `type`. Steps point at each other with `next`; a step without `next` ends the flow. Ids and answer values
 * travel inside button payloads, so they are lower-case slugs.
 */
import { z } from 'zod';

export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Messenger shows at most 20 characters of a quick-reply title; longer labels would be cut. */
export const MAX_CHOICE_LABEL = 20;
export const MAX_CHOICES = 10;
const slug = (what: string) => z.string().regex(SLUG, `${what} chỉ gồm chữ thường không dấu, số và dấu gạch ngang`).max(40);
const text = z.string().trim().min(1, 'không được để trống').max(1900, 'dài quá 1.900 ký tự');

export const STEP_TYPES = ['say', 'ask', 'ask_commune', 'branch', 'set', 'answer', 'handoff', 'menu'] as const;
export type StepType = (typeof STEP_TYPES)[number];

const ChoiceSchema = z.object({
  label: z.string().trim().min(1).max(MAX_CHOICE_LABEL, `nhãn nút dài quá ${MAX_CHOICE_LABEL} ký tự (Messenger sẽ cắt)`),
  value: slug('giá trị lựa chọn'),
  /** Other ways a citizen may type this answer (compared without diacritics). */
  synonyms: z.array(z.string().trim().min(1).max(80)).max(20).optional(),
  next: slug('bước tiếp theo').optional(),
});

const ConditionSchema = z.union([
  z.object({ answer: slug('bước'), equals: z.string().optional(), in: z.array(z.string()).optional() }).strict(),
  z.object({ attribute: slug('thuộc tính'), equals: z.string().optional(), in: z.array(z.string()).optional(), exists: z.boolean().optional() }).strict(),
]);

const base = { id: slug('mã bước') };

export const StepSchemas = {
  say: z.object({ ...base, type: z.literal('say'), text, next: slug('bước tiếp theo').optional() }).strict(),
  ask: z
    .object({
      ...base,
      type: z.literal('ask'),
      text,
      choices: z.array(ChoiceSchema).min(1, 'cần ít nhất một lựa chọn').max(MAX_CHOICES),
      /** Stores the chosen value on the user under this attribute. */
      save: slug('thuộc tính').optional(),
      next: slug('bước tiếp theo').optional(),
    })
    .strict(),
  ask_commune: z
    .object({
      ...base,
      type: z.literal('ask_commune'),
      text,
      skip_label: z.string().trim().min(1).max(MAX_CHOICE_LABEL).default('Bỏ qua'),
      /** Goes straight on when the user's commune is already known. */
      skip_if_known: z.boolean().default(false),
      next: slug('bước tiếp theo').optional(),
    })
    .strict(),
  branch: z
    .object({
      ...base,
      type: z.literal('branch'),
      cases: z.array(z.object({ if: ConditionSchema, next: slug('bước tiếp theo') }).strict()).min(1),
      else: slug('bước tiếp theo').optional(),
    })
    .strict(),
  set: z
    .object({ ...base, type: z.literal('set'), attribute: slug('thuộc tính'), value: z.string().max(80), next: slug('bước tiếp theo').optional() })
    .strict(),
  answer: z.object({ ...base, type: z.literal('answer'), topic: slug('mã hướng dẫn').max(120), next: slug('bước tiếp theo').optional() }).strict(),
  handoff: z.object({ ...base, type: z.literal('handoff') }).strict(),
  menu: z.object({ ...base, type: z.literal('menu'), text }).strict(),
} as const;

export type SayStep = z.infer<typeof StepSchemas.say>;
export type AskStep = z.infer<typeof StepSchemas.ask>;
export type AskCommuneStep = z.infer<typeof StepSchemas.ask_commune>;
export type BranchStep = z.infer<typeof StepSchemas.branch>;
export type SetStep = z.infer<typeof StepSchemas.set>;
export type AnswerStep = z.infer<typeof StepSchemas.answer>;
export type HandoffStep = z.infer<typeof StepSchemas.handoff>;
export type MenuStep = z.infer<typeof StepSchemas.menu>;
export type FlowStep = SayStep | AskStep | AskCommuneStep | BranchStep | SetStep | AnswerStep | HandoffStep | MenuStep;
export type FlowCondition = z.infer<typeof ConditionSchema>;
export type FlowChoice = z.infer<typeof ChoiceSchema>;

export const FlowFileSchema = z
  .object({
    id: slug('mã luồng'),
    title: z.string().trim().min(1).max(120),
    /** Phrases that start the flow when a message contains them (compared without diacritics). */
    triggers: z.array(z.string().trim().min(2).max(120)).max(50).default([]),
    /** First step; the first listed step when omitted. */
    start: slug('bước bắt đầu').optional(),
    steps: z.array(z.unknown()).min(1, 'luồng cần ít nhất một bước'),
  })
  .strict();

export interface Flow {
  id: string;
  title: string;
  /** Where it was loaded from, for messages. */
  file: string;
  /** Folded trigger phrases. */
  triggers: string[];
  start: string;
  steps: ReadonlyMap<string, FlowStep>;
}

/** Every step id a step can continue to. */
export function targetsOf(step: FlowStep): string[] {
  switch (step.type) {
    case 'ask':
      return [...step.choices.map((c) => c.next), step.next].filter((t): t is string => Boolean(t));
    case 'branch':
      return [...step.cases.map((c) => c.next), step.else].filter((t): t is string => Boolean(t));
    case 'handoff':
    case 'menu':
      return [];
    default:
      return step.next ? [step.next] : [];
  }
}
