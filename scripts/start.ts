/**
 * `npm start`: builds the extension (production mode, closed badge shadow roots), serves the demo
 * pages in scripts/demo/pages at the real Gmail, Outlook and LinkedIn URLs (request routing; nothing
 * goes out), and opens Chromium with the extension loaded. The people on the pages are sample
 * leads (rules/samples/leads.jsonl, shipped inside the build), so badges show without any setup.
 *
 * With a display ($DISPLAY or $WAYLAND_DISPLAY) the browser stays open until you close it. Without
 * one it runs headless and writes screenshots to .output/demo/: each page with its badges and with
 * an open card, plus the popup and the options page. `--headless` forces the headless run.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { buildExtension, findChromium, launchWithExtension, REPO_ROOT, servePages, type ServedPage } from './demo/browser.ts';

interface DemoPage {
  id: 'gmail' | 'outlook' | 'linkedin';
  url: string;
  file: string;
  /** The people on the page and how the page marks them (CSS of the element the badge follows). */
  people: { label: string; css: string; email?: string; linkedin?: string }[];
  /** Whose card the screenshot opens. */
  cardOf: string;
  /** Served for URLs like this one. */
  match: (url: URL) => boolean;
}

const DEMO_PAGES: readonly DemoPage[] = [
  {
    id: 'gmail',
    url: 'https://mail.google.com/mail/u/0/#inbox',
    file: 'gmail-inbox.html',
    people: [
      { label: 'Rafael Martins', css: 'span[email="rafael@ulmaline.example"]', email: 'rafael@ulmaline.example' },
      { label: 'Jonas Hoffmann', css: 'span[email="jonas.hoffmann@estelpeak-3.example"]', email: 'jonas.hoffmann@estelpeak-3.example' },
      { label: 'Julia Weber', css: 'span[email="jweber@kivaport.example"]', email: 'jweber@kivaport.example' },
      { label: 'Yuki Tanaka', css: 'span[email="yuki_tanaka@lumamark-logistics.example"]', email: 'yuki_tanaka@lumamark-logistics.example' },
      { label: 'Priya Raman (not a lead)', css: 'span[email="priya.raman@oakfield-data.example"]' },
      { label: 'Emily Jones', css: 'span[email="jones.emily74@gmail.com"]', email: 'jones.emily74@gmail.com' },
    ],
    cardOf: 'span[email="rafael@ulmaline.example"]',
    match: (url) => url.hostname === 'mail.google.com' && url.pathname.startsWith('/mail/'),
  },
  {
    id: 'outlook',
    url: 'https://outlook.office.com/mail/inbox/id/AAQkADemoConversation1',
    file: 'outlook-mail.html',
    people: [
      { label: 'Álvaro Romero (list)', css: '[data-convid="AAQkADemoConversation1"] span[title]', email: 'alvaro.romero@lumamoor.example' },
      { label: 'Miriam Schneider', css: '[data-convid="AAQkADemoConversation2"] span[title]', email: 'miriam.schneider@ferrocrest-4.example' },
      { label: 'Carmen Fernández', css: '[data-convid="AAQkADemoConversation3"] span[title]', email: 'carmen@dunahaven.example' },
      { label: 'Álvaro Romero (reading pane)', css: '[aria-label^="From: "]', email: 'alvaro.romero@lumamoor.example' },
      { label: 'Louis Petit (Cc)', css: '[data-testid="RecipientWell"] span[title="louis.petit@dunanest.example"]', email: 'louis.petit@dunanest.example' },
    ],
    cardOf: '[aria-label^="From: "]',
    match: (url) => /^outlook\.(office|office365|live)\.com$/.test(url.hostname) && url.pathname.startsWith('/mail/'),
  },
  {
    id: 'linkedin',
    url: 'https://www.linkedin.com/in/samuel-turner-71/',
    file: 'linkedin-profile.html',
    people: [
      { label: 'Samuel Turner (profile)', css: 'main h1', linkedin: 'samuel-turner-71' },
      { label: 'Jeroen Jansen', css: 'aside a[href*="/in/jeroen-jansen-a428596d"]', linkedin: 'jeroen-jansen-a428596d' },
      { label: 'Nerea Etxeberria', css: 'aside a[href*="/in/nereaetxeberria"]', linkedin: 'nereaetxeberria' },
      { label: 'Tomás Ibarra (not a lead)', css: 'aside a[href*="/in/tomas-ibarra-oakfield"]' },
    ],
    cardOf: 'aside a[href*="/in/jeroen-jansen-a428596d"]',
    match: (url) => url.hostname === 'www.linkedin.com' && url.pathname.startsWith('/in/'),
  },
];

const SAMPLE_LEADS = 'rules/samples/leads.jsonl';
const SCREENSHOT_DIR = '.output/demo';

function demoHtml(file: string): string {
  return readFileSync(new URL(`./demo/pages/${file}`, import.meta.url), 'utf8');
}

/** Warns about demo people who are no longer in the sample leads (they would show estimate badges). */
function checkSamplePeople(): void {
  let text: string;
  try {
    text = readFileSync(join(REPO_ROOT, SAMPLE_LEADS), 'utf8');
  } catch {
    console.warn(`npm start: ${SAMPLE_LEADS} is missing; the build ships the generator's default sample instead`);
    return;
  }
  const emails = new Set<string>();
  const slugs = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const lead = JSON.parse(line) as { email?: string | null; linkedin?: string | null };
    if (lead.email) emails.add(lead.email.toLowerCase());
    if (lead.linkedin) slugs.add(lead.linkedin.toLowerCase());
  }
  for (const page of DEMO_PAGES) {
    for (const person of page.people) {
      const known = (person.email && emails.has(person.email)) || (person.linkedin && slugs.has(person.linkedin));
      if ((person.email || person.linkedin) && !known) console.warn(`npm start: ${person.label} (${page.file}) is not in ${SAMPLE_LEADS}: the badge will be an estimate`);
    }
  }
}

/** Waits until every person on the page has a drawn badge right after it (closed shadow roots: we only see the host's box). */
async function waitForBadges(page: Page, demo: DemoPage, timeoutMs = 20_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let missing: string[] = [];
  while (Date.now() < deadline) {
    missing = [];
    for (const person of demo.people) {
      const box = await page.locator(`${person.css} + leadpact-badge`).first().boundingBox({ timeout: 200 }).catch(() => null);
      if (!box || box.width === 0) missing.push(person.label);
    }
    if (missing.length === 0) return [];
    await page.waitForTimeout(200);
  }
  return missing;
}

async function screenshots(context: BrowserContext, extensionId: string, outDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const shot = async (page: Page, name: string, fullPage = false) => {
    const path = join(outDir, `${name}.png`);
    await page.screenshot({ path, fullPage });
    written.push(path);
  };
  for (const demo of DEMO_PAGES) {
    const page = await context.newPage();
    await page.goto(demo.url);
    const missing = await waitForBadges(page, demo);
    if (missing.length > 0) console.warn(`npm start: ${demo.id}: no badge for ${missing.join(', ')}`);
    await shot(page, demo.id);
    // The badge's shadow root is closed in this build: click the host, the press lands on its button.
    await page.locator(`${demo.cardOf} + leadpact-badge`).first().click();
    await page.waitForTimeout(600);
    await shot(page, `${demo.id}-card`);
    await page.close();
  }
  for (const [name, file] of [
    ['popup', 'popup.html'],
    ['options', 'options.html'],
  ] as const) {
    const page = await context.newPage();
    await page.setViewportSize(name === 'popup' ? { width: 420, height: 600 } : { width: 1280, height: 900 });
    await page.goto(`chrome-extension://${extensionId}/${file}`);
    await page.waitForTimeout(1_000);
    await shot(page, name, true);
    await page.close();
  }
  return written;
}

async function main(argv: string[]): Promise<number> {
  const chromium = findChromium();
  if (!chromium) {
    console.error('npm start: no Chromium found (install chromium, or set LEADPACT_CHROMIUM to its path)');
    return 1;
  }
  const headless = argv.includes('--headless') || (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);
  checkSamplePeople();
  console.log('Building the extension (production mode)…');
  const extensionDir = await buildExtension({ browser: 'chrome', mode: 'production', outDir: '.output/demo-build' });
  console.log(`Built ${relative(REPO_ROOT, extensionDir)}; starting Chromium${headless ? ' (headless: no display)' : ''}…`);
  const pages: ServedPage[] = DEMO_PAGES.map((demo) => ({ match: demo.match, html: () => demoHtml(demo.file) }));
  const browser = await launchWithExtension({ executablePath: chromium, extensionDir, headless });
  try {
    await servePages(browser.context, pages);
    if (headless) {
      const written = await screenshots(browser.context, browser.extensionId, join(REPO_ROOT, SCREENSHOT_DIR));
      console.log(`Screenshots:\n${written.map((path) => `  ${relative(REPO_ROOT, path)}`).join('\n')}`);
      return 0;
    }
    for (const demo of DEMO_PAGES) await (await browser.context.newPage()).goto(demo.url);
    await browser.context.pages()[0]?.close(); // the empty first tab
    console.log('Demo pages are open: Gmail, Outlook and LinkedIn (served locally at their real URLs). Close the browser or press Ctrl+C to stop.');
    await new Promise<void>((resolve) => {
      browser.context.on('close', () => resolve());
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    return 0;
  } finally {
    await browser.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
