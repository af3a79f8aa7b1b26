// Accessibility checks run inside the page (as text: the test project has no DOM types):
// every form control and button has an accessible name, and tables have header cells.
import type { Page } from 'playwright-core';

const UNNAMED = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('input, select, textarea, button, a[href]')) {
    if (el.type === 'hidden' || el.closest('[hidden]') || (el.closest('dialog') && !el.closest('dialog').open)) continue;
    const named = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || ((el.tagName === 'BUTTON' || el.tagName === 'A') && el.textContent.trim() !== '');
    if (!named) out.push(el.outerHTML.slice(0, 120));
  }
  for (const t of document.querySelectorAll('table')) if (!t.querySelector('th')) out.push('table without header cells');
  return out;
})()`;

/** The controls on the page that a screen reader could not name (empty when all can be). */
export async function unnamedControls(page: Page): Promise<string[]> {
  return (await page.evaluate(UNNAMED)) as string[];
}
