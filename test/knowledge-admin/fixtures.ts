/**
 * Test support for live knowledge editing: a guide the real knowledge base does not cover (military service
 * registration), and a service (engine + editor + admin routes) over a temporary copy of knowledge/.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp } from '../../src/http/app.js';
import { guidesAdminRoutes, guidesPageRoutes } from '../../src/admin/guides-routes.js';
import { dashboardRoutes } from '../../src/admin/dashboard.js';
import { createKnowledgeAdmin, type KnowledgeAdmin } from '../../src/knowledge-admin/index.js';
import type { IndexBuilder } from '../../src/knowledge-admin/builder.js';
import type { KnowledgeEditStore } from '../../src/knowledge-admin/store.js';

export const REAL_KNOWLEDGE_DIR = resolve(import.meta.dirname, '../../knowledge');
export const NEW_GUIDE_ID = 'dvc-dang-ky-nghia-vu-quan-su';
export const NEW_GUIDE_QUESTION = 'đăng ký nghĩa vụ quân sự lần đầu cho thanh niên đủ 17 tuổi ở đâu';

export function newGuideMarkdown(overrides: { title?: string; id?: string; extraQuestion?: string } = {}): string {
  const title = overrides.title ?? 'Đăng ký nghĩa vụ quân sự lần đầu cho nam thanh niên';
  return `---
id: ${overrides.id ?? NEW_GUIDE_ID}
title: ${title}
group: dvc06
indicator: ty-le-ho-so-truc-tuyen-25-tthc
summary: >-
  Nam công dân đủ 17 tuổi trong năm phải đăng ký nghĩa vụ quân sự lần đầu với Ban Chỉ huy quân sự cấp xã nơi
  cư trú. Có thể đăng ký trực tuyến trên Cổng Dịch vụ công quốc gia hoặc trực tiếp tại xã (chưa xác minh).
questions:
  - ${NEW_GUIDE_QUESTION}
  - con trai tôi đủ 17 tuổi có phải đi đăng ký nghĩa vụ quân sự không
  - dang ky nghia vu quan su online tren cong dich vu cong duoc khong
  - thủ tục đăng ký nghĩa vụ quân sự lần đầu cần giấy tờ gì
  - đăng ký nghĩa vụ quân sự mất bao lâu thì có giấy chứng nhận
  - đăng ký nghĩa vụ quân sự có mất phí không
  - nam thanh niên đi học xa nhà thì đăng ký nghĩa vụ quân sự ở đâu
  - ban chỉ huy quân sự xã gọi đăng ký nghĩa vụ quân sự thì làm gì
  - giấy chứng nhận đăng ký nghĩa vụ quân sự bị mất thì xin lại thế nào
  - e 17 tuổi chưa đăng ký nvqs có bị phạt k ạ
${overrides.extraQuestion ? `  - ${overrides.extraQuestion}\n` : ''}keywords: [nghĩa vụ quân sự, nvqs, đăng ký nghĩa vụ quân sự, ban chỉ huy quân sự, 17 tuổi]
sources:
  - title: Cổng Dịch vụ công quốc gia
    url: https://dichvucong.gov.vn
updated: 2026-11-22
---

## Ai làm được

Nam công dân đủ 17 tuổi trong năm; nữ có chuyên môn phù hợp khi được yêu cầu (chưa xác minh).

## Làm ở đâu

Ban Chỉ huy quân sự cấp xã nơi cư trú, hoặc trực tuyến trên Cổng Dịch vụ công quốc gia.

## Giấy tờ cần có

- Thẻ căn cước hoặc số định danh cá nhân.
- Tờ khai đăng ký nghĩa vụ quân sự theo mẫu.

## Các bước

1. Nhận giấy gọi hoặc thông báo của Ban Chỉ huy quân sự xã.
2. Khai tờ khai, nộp trực tiếp hoặc trên Cổng Dịch vụ công quốc gia.
3. Nhận giấy chứng nhận đăng ký nghĩa vụ quân sự.

## Lệ phí

Miễn phí.

## Thời gian giải quyết

Trong ngày làm việc (chưa xác minh).

## Vướng mắc thường gặp

- **Đi học, đi làm xa**: đăng ký ở nơi cư trú hoặc hỏi Ban Chỉ huy quân sự xã.
`;
}

export interface GuidesService {
  root: string;
  knowledgeDir: string;
  dataDir: string;
  admin: KnowledgeAdmin;
  base: string;
  close(): Promise<void>;
}

export const TOKEN = 'guides-admin-token-0123456789';

export async function startGuidesService(options: {
  builder?: IndexBuilder;
  store?: KnowledgeEditStore;
  env?: NodeJS.ProcessEnv;
  root?: string;
} = {}): Promise<GuidesService> {
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'guides-admin-'));
  const knowledgeDir = join(root, 'knowledge');
  const dataDir = join(root, 'data');
  if (!options.root) cpSync(REAL_KNOWLEDGE_DIR, knowledgeDir, { recursive: true });
  const quiet = { info: () => undefined, warn: () => undefined };
  const admin = await createKnowledgeAdmin({
    config: { DATA_DIR: dataDir, KNOWLEDGE_DIR: knowledgeDir, EMBEDDINGS_DIMENSIONS: 384 },
    env: { KNOWLEDGE_POLL_SECONDS: '3600', ...options.env },
    log: quiet,
    builder: options.builder,
    store: options.store,
    writePidFile: false,
  });
  const app = createApp({ engine: () => admin.engine, log: () => undefined, routers: [guidesPageRoutes(), guidesAdminRoutes(admin, TOKEN), dashboardRoutes()] });
  const server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    root,
    knowledgeDir,
    dataDir,
    admin,
    base,
    async close() {
      await new Promise((r) => server.close(r));
      await admin.stop();
      if (!options.root) rmSync(root, { recursive: true, force: true });
    },
  };
}

/** fetch with the admin token (and a Vietnamese author, percent-encoded as the dashboard sends it). */
export function adminFetch(base: string, author = 'Nguyễn Thị Hoa') {
  return (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}`, 'X-Admin-Name': encodeURIComponent(author), ...(init.headers as Record<string, string>) };
    let body = init.body;
    if (init.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    return fetch(`${base}${path}`, { ...init, headers, body });
  };
}
