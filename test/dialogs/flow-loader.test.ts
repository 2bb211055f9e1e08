/** Flow files are validated data: each broken flow is reported with its file and step and skipped. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatFlowProblem, loadFlowsDir, parseFlow } from '../../src/dialogs/flow-loader.js';

const FLOWS_DIR = resolve(new URL('../../flows', import.meta.url).pathname);
const KNOWLEDGE_DIR = resolve(new URL('../../knowledge', import.meta.url).pathname);

const GOOD = `
id: thu
title: Luồng thử
triggers: [luồng thử]
steps:
  - id: hoi
    type: ask
    text: Có không?
    choices:
      - { label: Có, value: co, next: xong }
      - { label: Không, value: khong, next: xong }
  - id: xong
    type: say
    text: Cảm ơn.
`;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function messages(file: string, text: string): string[] {
  return parseFlow(file, text).problems.map(formatFlowProblem);
}

describe('flow validation', () => {
  it('loads a good flow with its steps, start and folded triggers', () => {
    const { flow, problems } = parseFlow('flows/thu.yaml', GOOD);
    expect(problems).toEqual([]);
    expect(flow).toMatchObject({ id: 'thu', start: 'hoi', triggers: ['luong thu'] });
    expect([...flow!.steps.keys()]).toEqual(['hoi', 'xong']);
  });

  it('names the file and the step of an unknown step type', () => {
    const text = GOOD.replace('type: say', 'type: sing');
    expect(messages('flows/thu.yaml', text)).toEqual([
      'flows/thu.yaml: bước "xong": loại bước "sing" không hợp lệ (dùng một trong: say, ask, ask_commune, branch, set, answer, handoff, menu)',
    ]);
  });

  it('names the file and the step that points at a missing step', () => {
    const text = GOOD.replace('{ label: Không, value: khong, next: xong }', '{ label: Không, value: khong, next: tam-biet }');
    expect(messages('flows/thu.yaml', text)).toEqual(['flows/thu.yaml: bước "hoi": trỏ tới bước "tam-biet" không tồn tại']);
  });

  it('names the file and the step nothing leads to', () => {
    const text = `${GOOD}
  - id: bi-quen
    type: say
    text: Không ai tới đây.
`;
    expect(messages('flows/thu.yaml', text)).toEqual([
      'flows/thu.yaml: bước "bi-quen": không bước nào dẫn tới bước này (không tới được từ bước bắt đầu "hoi")',
    ]);
  });

  it('reports field problems with the step and field, and YAML errors with the file', () => {
    const long = GOOD.replace('{ label: Có, value: co, next: xong }', '{ label: "Có, tôi đã có thẻ căn cước rồi", value: co, next: xong }');
    expect(messages('flows/thu.yaml', long)[0]).toMatch(/^flows\/thu\.yaml: bước "hoi": choices\.0\.label: nhãn nút dài quá 20 ký tự/);
    const branch = GOOD.replace('type: say\n    text: Cảm ơn.', 'type: branch\n    cases:\n      - if: { answer: xong, equals: co }\n        next: hoi');
    expect(messages('flows/thu.yaml', branch)).toContain('flows/thu.yaml: bước "xong": điều kiện dùng câu trả lời của "xong" nhưng đó không phải bước hỏi');
    expect(messages('flows/x.yaml', 'id: [')[0]).toMatch(/^flows\/x\.yaml: YAML không đọc được/);
    expect(messages('flows/x.yaml', 'id: Thu Nghiem\ntitle: t\nsteps: []')).toEqual([
      'flows/x.yaml: id: mã luồng chỉ gồm chữ thường không dấu, số và dấu gạch ngang',
      'flows/x.yaml: steps: luồng cần ít nhất một bước',
    ]);
  });

  it('skips a broken flow and a duplicate id while the other flows load', () => {
    dir = mkdtempSync(join(tmpdir(), 'flows-'));
    writeFileSync(join(dir, 'a-tot.yaml'), GOOD);
    writeFileSync(join(dir, 'b-hong.yaml'), GOOD.replace('id: thu', 'id: hong').replace('type: say', 'type: sing'));
    writeFileSync(join(dir, 'c-trung.yaml'), GOOD);
    writeFileSync(join(dir, 'd-tot.yaml'), GOOD.replace('id: thu', 'id: thu-hai'));
    writeFileSync(join(dir, 'ghi-chu.txt'), 'not a flow');
    const result = loadFlowsDir(dir);
    expect(result.flows.map((f) => f.id)).toEqual(['thu', 'thu-hai']);
    expect(result.problems.map(formatFlowProblem)).toEqual([
      `${join(dir, 'b-hong.yaml')}: bước "xong": loại bước "sing" không hợp lệ (dùng một trong: say, ask, ask_commune, branch, set, answer, handoff, menu)`,
      `${join(dir, 'c-trung.yaml')}: mã luồng "thu" đã dùng trong ${join(dir, 'a-tot.yaml')}`,
    ]);
  });

  it('warns, without skipping, about a topic missing from the knowledge base', () => {
    const text = GOOD.replace('type: say\n    text: Cảm ơn.', 'type: answer\n    topic: chu-de-khong-co');
    const r = parseFlow('flows/thu.yaml', text, { knownTopic: () => false });
    expect(r.flow).toBeDefined();
    expect(r.warnings.map(formatFlowProblem)).toEqual([
      'flows/thu.yaml: bước "xong": hướng dẫn "chu-de-khong-co" không có trong kho kiến thức hiện tại; bước này sẽ được bỏ qua',
    ]);
  });
});

describe('shipped flows', () => {
  it('all load without problems, and every answer step names a guide that exists', async () => {
    const { readdirSync } = await import('node:fs');
    const topics = new Set(readdirSync(KNOWLEDGE_DIR).filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => f.replace(/\.md$/, '')));
    const result = loadFlowsDir(FLOWS_DIR, { knownTopic: (id) => topics.has(id) });
    expect(result.problems.map(formatFlowProblem)).toEqual([]);
    expect(result.warnings.map(formatFlowProblem)).toEqual([]);
    expect(result.flows.map((f) => f.id).sort()).toEqual(['gap-can-bo', 'khai-sinh-cho-be', 'lam-quen', 'nop-ho-so-lan-dau', 'san-sang-vneid-muc-2']);
  });
});
