/**
 * report.html in a real browser: Debian's chromium (never a downloaded one) driven by
 * playwright-core. Loads a page from disk with every network request refused, and reads back what
 * each chart drew from its canvas.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** $CHROMIUM_PATH, else the first browser installed where Debian and others put it. */
export function chromiumPath(): string | undefined {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return configured;
  return CANDIDATES.find((path) => existsSync(path));
}

export function launchChromium(executablePath: string): Promise<Browser> {
  // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** What one chart drew, counted in its canvas's pixels. */
export interface DrawnChart {
  readonly id: string;
  readonly title: string;
  readonly axisLabels: readonly string[];
  /** Coloured (not grey) pixels inside the plot area: the series' lines or bars, not the grid. */
  readonly plotPixels: number;
  /** Drawn pixels left of the plot area (the y axis's ticks and label) and below it (the x axis's). */
  readonly yAxisPixels: number;
  readonly xAxisPixels: number;
  readonly legend: readonly string[];
}

export interface PageReport {
  /** Console errors, page errors and refused network requests. */
  readonly errors: readonly string[];
  readonly charts: readonly DrawnChart[];
  /** The chart containers the page has, drawn or not. */
  readonly chartBoxes: number;
  readonly text: string;
}

interface ChartHandle {
  readonly id: string;
  readonly title: string;
  readonly axes: readonly string[];
  readonly chart: { readonly ctx: CanvasRenderingContext2DLike; readonly bbox: { left: number; top: number; width: number; height: number }; readonly root: { querySelectorAll(selector: string): Iterable<{ textContent: string | null }> } };
}

/** The little of the canvas API the page check reads (the test's own types know no DOM). */
interface CanvasRenderingContext2DLike {
  readonly canvas: { readonly width: number; readonly height: number };
  getImageData(x: number, y: number, w: number, h: number): { readonly data: ArrayLike<number> };
}

/** Opens the page, lets its charts draw, saves a full-page screenshot (and one of the header and charts, as <name>-top.png), and reports what it found. */
export async function inspectReport(browser: Browser, htmlPath: string, screenshotPath: string): Promise<PageReport> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : (errors.push(`network: ${route.request().url()}`), route.abort())));
  try {
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    const charts = await page.evaluate(() => {
      const handles = (globalThis as unknown as { reportCharts?: ChartHandle[] }).reportCharts ?? [];
      return handles.map(({ id, title, axes, chart }) => {
        const { width, height } = chart.ctx.canvas;
        const data = chart.ctx.getImageData(0, 0, width, height).data;
        const box = chart.bbox;
        let plotPixels = 0;
        let yAxisPixels = 0;
        let xAxisPixels = 0;
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const i = (y * width + x) * 4;
            const [r, g, b, a] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0, data[i + 3] ?? 0];
            if (a === 0) continue;
            const inX = x >= box.left && x < box.left + box.width;
            const inY = y >= box.top && y < box.top + box.height;
            if (inX && inY && Math.max(r, g, b) - Math.min(r, g, b) > 60) plotPixels++;
            else if (x < box.left - 6 && inY) yAxisPixels++;
            else if (y > box.top + box.height + 6 && inX) xAxisPixels++;
          }
        }
        const legend = [...chart.root.querySelectorAll('.u-legend .u-label')].map((el) => el.textContent ?? '');
        return { id, title, axisLabels: axes, plotPixels, yAxisPixels, xAxisPixels, legend };
      });
    });
    const chartBoxes = await page.locator('.chart').count();
    const text = await page.locator('body').innerText();
    mkdirSync(dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true });
    // The header and the charts, for a look at a glance (the README's picture is one of these).
    const boxes = page.locator('.chart-box');
    const lastChart = (await boxes.count()) > 0 ? await boxes.last().boundingBox() : null;
    const height = Math.min(1500, Math.max(400, Math.ceil((lastChart?.y ?? 400) + (lastChart?.height ?? 0) + 16)));
    await page.screenshot({ path: screenshotPath.replace(/\.png$/, '-top.png'), fullPage: true, clip: { x: 0, y: 0, width: 1200, height } });
    return { errors, charts, chartBoxes, text };
  } finally {
    await page.close();
  }
}
