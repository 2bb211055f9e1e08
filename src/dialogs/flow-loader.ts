/**
 * Loads and validates `flows/*.yaml`. Every problem names the file and the step. A flow with a problem is
 * skipped (reported as a warning) and the other flows keep working; nothing here throws on bad data.
 *
 * Checks: YAML and field shapes (zod), unknown step types, duplicate step ids, `next`/`start`/`else`
 * pointing at a step that does not exist, steps that cannot be reached from the start, conditions on an
 * answer of a step that is not a question, and flow ids used twice.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { foldName } from '../communes/commune-match.js';
import { FlowFileSchema, STEP_TYPES, StepSchemas, targetsOf, type Flow, type FlowStep, type StepType } from './flow-schema.js';

export interface FlowProblem {
  file: string;
  /** The step concerned, when there is one. */
  step?: string;
  message: string;
}

export function formatFlowProblem(p: FlowProblem): string {
  return `${p.file}${p.step ? `: bước "${p.step}"` : ''}: ${p.message}`;
}

export interface FlowLoadResult {
  flows: Flow[];
  /** Problems that made a flow be skipped. */
  problems: FlowProblem[];
  /** Problems that do not stop the flow (e.g. a topic missing from the current knowledge). */
  warnings: FlowProblem[];
}

export interface FlowLoadOptions {
  /** Tells whether a knowledge topic exists; unknown topics in `answer` steps become warnings. */
  knownTopic?: (id: string) => boolean;
}

function issueText(issue: { path: PropertyKey[]; message: string }): string {
  const where = issue.path.map(String).join('.');
  return where ? `${where}: ${issue.message}` : issue.message;
}

/** Parses and checks one flow file. */
export function parseFlow(file: string, text: string, options: FlowLoadOptions = {}): { flow?: Flow; problems: FlowProblem[]; warnings: FlowProblem[] } {
  const problems: FlowProblem[] = [];
  const warnings: FlowProblem[] = [];
  let data: unknown;
  try {
    data = YAML.parse(text.normalize('NFC'));
  } catch (err) {
    return { problems: [{ file, message: `YAML không đọc được: ${(err as Error).message.split('\n')[0]}` }], warnings };
  }
  const head = FlowFileSchema.safeParse(data);
  if (!head.success) {
    return { problems: head.error.issues.map((i) => ({ file, message: issueText(i) })), warnings };
  }
  const steps = new Map<string, FlowStep>();
  head.data.steps.forEach((raw, index) => {
    const record = (raw ?? {}) as Record<string, unknown>;
    const id = typeof record.id === 'string' && record.id ? record.id : `#${index + 1}`;
    const type = record.type;
    if (typeof type !== 'string' || !(STEP_TYPES as readonly string[]).includes(type)) {
      const shown = typeof type === 'string' ? `"${type}"` : 'không có';
      problems.push({ file, step: id, message: `loại bước ${shown} không hợp lệ (dùng một trong: ${STEP_TYPES.join(', ')})` });
      return;
    }
    const parsed = StepSchemas[type as StepType].safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ file, step: id, message: issueText(issue) });
      return;
    }
    if (steps.has(parsed.data.id)) problems.push({ file, step: id, message: 'mã bước bị trùng' });
    else steps.set(parsed.data.id, parsed.data as FlowStep);
  });
  if (problems.length) return { problems, warnings };

  const start = head.data.start ?? [...steps.keys()][0]!;
  if (!steps.has(start)) problems.push({ file, step: start, message: `bước bắt đầu "${start}" không tồn tại` });
  for (const step of steps.values()) {
    for (const target of targetsOf(step)) {
      if (!steps.has(target)) problems.push({ file, step: step.id, message: `trỏ tới bước "${target}" không tồn tại` });
    }
    if (step.type === 'branch') {
      for (const c of step.cases) {
        if ('answer' in c.if) {
          const asked = steps.get(c.if.answer);
          if (!asked || asked.type !== 'ask') problems.push({ file, step: step.id, message: `điều kiện dùng câu trả lời của "${c.if.answer}" nhưng đó không phải bước hỏi` });
        }
      }
    }
    if (step.type === 'ask') {
      const values = step.choices.map((c) => c.value);
      if (new Set(values).size !== values.length) problems.push({ file, step: step.id, message: 'hai lựa chọn có cùng giá trị' });
    }
    if (step.type === 'answer' && options.knownTopic && !options.knownTopic(step.topic)) {
      warnings.push({ file, step: step.id, message: `hướng dẫn "${step.topic}" không có trong kho kiến thức hiện tại; bước này sẽ được bỏ qua` });
    }
  }
  if (problems.length) return { problems, warnings };

  const reached = new Set<string>([start]);
  const queue = [start];
  while (queue.length) {
    for (const target of targetsOf(steps.get(queue.shift()!)!)) {
      if (!reached.has(target)) {
        reached.add(target);
        queue.push(target);
      }
    }
  }
  for (const id of steps.keys()) {
    if (!reached.has(id)) problems.push({ file, step: id, message: `không bước nào dẫn tới bước này (không tới được từ bước bắt đầu "${start}")` });
  }
  if (problems.length) return { problems, warnings };

  const triggers = [...new Set(head.data.triggers.map((t) => foldName(t)).filter(Boolean))];
  return { flow: { id: head.data.id, title: head.data.title, file, triggers, start, steps }, problems, warnings };
}

/** Loads every `*.yaml`/`*.yml` of a directory, in name order. A missing directory gives no flows. */
export function loadFlowsDir(dir: string, options: FlowLoadOptions = {}): FlowLoadResult {
  const result: FlowLoadResult = { flows: [], problems: [], warnings: [] };
  if (!existsSync(dir)) return result;
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const ids = new Map<string, string>();
  for (const name of files) {
    const file = join(dir, name);
    const { flow, problems, warnings } = parseFlow(file, readFileSync(file, 'utf8'), options);
    result.warnings.push(...warnings);
    if (!flow) {
      result.problems.push(...problems);
      continue;
    }
    const other = ids.get(flow.id);
    if (other) {
      result.problems.push({ file, message: `mã luồng "${flow.id}" đã dùng trong ${other}` });
      continue;
    }
    ids.set(flow.id, file);
    result.flows.push(flow);
  }
  return result;
}
