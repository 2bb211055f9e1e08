/** The /chat page in headless Chromium: welcome and menu, a tapped topic, a 👍, a typed question. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { composeGuideAnswer } from '../../src/knowledge/compose.js';
import { MAIN_MENU } from '../../src/bot/main-menu.js';
import { THANKS_UP, WELCOME } from '../../src/bot/replies.js';
import type { AnswerEngine } from '../../src/knowledge/engine.js';
import { buildTestEngine } from './support/engine.js';
import { startHarness, type Harness } from './support/harness.js';

const CHROMIUM = '/usr/bin/chromium';

let engine: AnswerEngine;
let h: Harness;
let browser: Browser;

beforeAll(async () => {
  engine = await buildTestEngine();
  h = await startHarness({ engine, env: {} });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('web chat page', () => {
  it('talks to the bot from the browser without any external resource', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('request', (r) => !r.url().startsWith(h.url) && !r.url().startsWith('data:') && problems.push(`external request ${r.url()}`));
    await page.goto(`${h.url}/chat`);

    const bot = page.locator('.msg--bot:not(.msg--typing)');
    await bot.first().waitFor();
    expect(await bot.first().innerText()).toBe(WELCOME);
    const menu = MAIN_MENU.filter((m) => engine.guide(m.topic));
    expect(await page.locator('#choices button').allInnerTexts()).toEqual(menu.map((m) => m.label));

    const topic = menu.find((m) => composeGuideAnswer(engine.guide(m.topic)!).length > 1) ?? menu[0]!;
    const pieces = composeGuideAnswer(engine.guide(topic.topic)!);
    await page.locator('#choices button', { hasText: topic.label }).click();
    await page.waitForFunction((n) => document.querySelectorAll('.msg--bot:not(.msg--typing)').length === n, 1 + pieces.length);
    expect(await bot.allInnerTexts()).toEqual([WELCOME, ...pieces]);
    expect(await page.locator('.msg--user').allInnerTexts()).toEqual([topic.label]);

    await page.locator('#choices button', { hasText: 'Hữu ích' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('.msg--bot:not(.msg--typing)').length === n, 2 + pieces.length);
    expect(await bot.last().innerText()).toBe(THANKS_UP);
    expect(h.recorder.votes).toEqual([{ turnId: h.recorder.turns.at(-1)!.id, vote: 'up' }]);

    const question = engine.allGuides()[0]!.questions[0]!;
    await page.fill('#input', question);
    await page.press('#input', 'Enter');
    const answer = await engine.ask(question);
    await page.waitForFunction((n) => document.querySelectorAll('.msg--bot:not(.msg--typing)').length === n, 2 + pieces.length + answer.pieces.length);
    expect(h.recorder.turns.at(-1)).toMatchObject({ channel: 'webchat', text: question });
    expect(problems).toEqual([]);
    await page.close();
  });
});
