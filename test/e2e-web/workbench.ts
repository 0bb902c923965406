// Playwright helpers for VS Code's web workbench (code-server 4.100 = VS Code 1.100): open a file,
// run a palette command or a menu action, read the editor and the Problems panel, find the pixel
// position of text.
import type { Locator, Page } from 'playwright-core';

/** Chromium flags for this offline machine (shared/docs/real-vscode.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Opens `name` from the Explorer (more reliable than Quick Open, per real-vscode.md). */
export async function openFromExplorer(page: Page, name: string, timeoutMs: number): Promise<void> {
  await page.getByRole('treeitem', { name, exact: true }).click({ timeout: timeoutMs });
  await page.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** The active text editor (the one with focus or, failing that, the first visible). */
export function activeEditor(page: Page): Locator {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

/** Rendered lines of the active editor, with the non-breaking spaces Monaco renders made plain. */
export async function editorLines(page: Page): Promise<string[]> {
  // Read in one go inside the page: Monaco re-renders its lines on every change, and a locator
  // per line would wait (up to the default timeout) on a line that was just removed.
  const rendered = await activeEditor(page)
    .locator('.view-lines')
    .evaluate((lines) => [...lines.querySelectorAll('.view-line')].map((line) => ({ y: line.getBoundingClientRect().top, text: line.textContent ?? '' })));
  // Monaco recycles line elements, so DOM order is not line order: sort by position.
  return rendered.sort((a, b) => a.y - b.y).map((line) => line.text.replace(/\u00a0/g, ' '));
}

/** A rendered line of the active editor whose text matches `pattern` (spaces may be nbsp). */
export function editorLine(page: Page, pattern: RegExp): Locator {
  return activeEditor(page).locator('.view-lines .view-line').filter({ hasText: pattern });
}

/** Runs a command by its palette title (F1, type, click the matching row). */
export async function runCommand(page: Page, title: string, timeoutMs: number): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  // No wait for the palette to close: a command may open the same quick-input widget again.
  await row.click();
}

/**
 * Runs the action titled `title` from an open action menu (the light bulb's or Refactor…'s) the
 * way a keyboard user does: move the focus to it, then Enter. A click is swallowed by the pointer
 * block VS Code lays over the page while the menu is fresh.
 */
export async function chooseMenuAction(page: Page, menu: Locator, title: string): Promise<void> {
  const rows = await menu.locator('.monaco-list-row.action').count();
  for (let moves = 0; (await menu.locator('.monaco-list-row.action.focused').getAttribute('aria-label')) !== title; moves++) {
    if (moves > rows) throw new Error(`could not move the focus to "${title}" in the menu:\n${await menu.innerText()}`);
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
}

/**
 * Viewport coordinates of the middle of the first occurrence of `needle` in the rendered editor
 * line `line`. Monaco renders a line as one span per token in a monospace font, so the point
 * is interpolated inside the token span that holds the needle.
 */
export async function textPoint(line: Locator, needle: string): Promise<{ x: number; y: number }> {
  let column = 0;
  const tokens: { start: number; text: string; box: { x: number; y: number; width: number; height: number } }[] = [];
  for (const span of await line.locator('span > span').all()) {
    const text = ((await span.textContent()) ?? '').replace(/\u00a0/g, ' ');
    const box = await span.boundingBox();
    if (box) tokens.push({ start: column, text, box });
    column += text.length;
  }
  const at = tokens.map((token) => token.text).join('').indexOf(needle);
  const middle = at + needle.length / 2;
  const token = tokens.find((candidate) => middle >= candidate.start && middle <= candidate.start + candidate.text.length);
  if (at < 0 || !token || token.text.length === 0) throw new Error(`"${needle}" is not in the editor line`);
  const charWidth = token.box.width / token.text.length;
  return { x: token.box.x + (middle - token.start) * charWidth, y: token.box.y + token.box.height / 2 };
}

/** Opens the Problems panel and returns the text of its rows (file rows and marker rows). */
export async function problemRows(page: Page, timeoutMs: number): Promise<Locator> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) await page.keyboard.press('Control+Shift+M');
  await panel.waitFor({ state: 'visible', timeout: timeoutMs });
  return panel.locator('.monaco-list-row');
}
