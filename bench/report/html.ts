/**
 * report.html: one self-contained page rendered from a RunResult alone, with the chart library
 * inlined (nothing is fetched when it is viewed): the charts, the figures, the checks, the
 * thresholds, the parameters and the environment.
 */
import type { ChartAssets } from './chart-assets.js';
import { chartsOf, type ChartSpec } from './charts.js';
import { CHART_SCRIPT } from './html-script.js';
import { showFigure } from './render.js';
import type { FigureValue, RunResult, TableRecord } from './run-result.js';

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON safe inside a <script> element: no '<' that could close it. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

const cell = (value: FigureValue | undefined): string => `<td${typeof value === 'number' ? ' class="num"' : ''}>${escapeHtml(value === undefined ? '' : showFigure(value))}</td>`;

/** A table; with no columns, a list of name and value pairs without a header. */
function table(columns: readonly string[], rows: readonly (readonly (FigureValue | undefined)[])[]): string {
  const head = columns.length > 0 ? `<thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>` : '';
  return `<table>${head}<tbody>${rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

const section = (title: string, body: string): string => `<section><h2>${escapeHtml(title)}</h2>${body}</section>`;

function figuresSection(run: RunResult): string {
  const names = Object.keys(run.figures);
  if (!run.repeat) return section('Figures', table(['figure', 'value'], names.map((name) => [name, run.figures[name]])));
  const spreads = run.repeat.figures;
  return section(
    `Figures, over ${run.repeat.count} runs`,
    table(
      ['figure', 'median', 'min', 'max', 'spread %', 'each run'],
      names.map((name) => {
        const s = spreads[name];
        return s ? [name, s.median, s.min, s.max, s.spread_pct, s.values.map((v) => showFigure(v)).join(' · ')] : [name, run.figures[name], undefined, undefined, undefined, undefined];
      }),
    ),
  );
}

function latencySection(run: RunResult): string {
  if (run.histograms.length === 0) return '';
  const rows = run.histograms.map((h) => [h.name, h.summary.count, h.summary.p50, h.summary.p90, h.summary.p99, h.summary.p99_9, h.summary.p99_99, h.summary.max, h.summary.mean, h.description]);
  return section('Latency (ms)', table(['histogram', 'count', 'p50', 'p90', 'p99', 'p99.9', 'p99.99', 'max', 'mean', 'what'], rows));
}

const tableSection = (t: TableRecord): string => section(t.title, table(t.columns, t.rows));

function checksSection(run: RunResult): string {
  if (run.checks.length === 0) return '';
  const items = run.checks.map((c) => `<li class="${c.passed ? 'ok' : 'bad'}"><b>${c.passed ? 'ok' : 'FAILED'}</b> ${escapeHtml(c.name)}: ${escapeHtml(c.detail)}</li>`);
  return section('Checks', `<ul class="checks">${items.join('')}</ul>`);
}

function thresholdsSection(run: RunResult): string {
  if (run.thresholds.length === 0) return section('Thresholds', '<p class="muted">none asked for (<code>--threshold</code>, <code>--thresholds FILE</code>)</p>');
  const items = run.thresholds.map((t) => `<li class="${t.passed ? 'ok' : 'bad'}"><b>${t.passed ? 'pass' : 'FAIL'}</b> <code>${escapeHtml(t.threshold)}</code>: ${escapeHtml(t.detail)}</li>`);
  return section('Thresholds', `<ul class="checks">${items.join('')}</ul>`);
}

function environmentSection(run: RunResult): string {
  const e = run.environment;
  const rows: [string, FigureValue][] = [
    ['Kafka', `${e.kafka.version} at ${e.kafka.brokers.join(', ')} (${e.kafka.origin})`],
    ['drivers', e.drivers.map((d) => `${d.name} (${d.library} ${d.version})`).join(', ')],
    ['Node', e.node],
    ['OS', e.os],
    ['CPU', `${e.cpu.model}, ${e.cpu.cores} cores`],
    ['memory', `${e.memory_gib} GiB`],
    ['commit', e.commit],
    ['warm-up', run.warmup.messages === 0 ? 'none' : `${run.warmup.messages} messages in ${run.warmup.duration_ms} ms, ${run.warmup.excluded_from_figures ? 'excluded from the figures' : 'included'}`],
  ];
  return section('Environment', table([], rows));
}

const chartFigure = (chart: ChartSpec): string => `<figure class="chart-box"><h3>${escapeHtml(chart.title)}</h3><div class="chart" id="${escapeHtml(chart.id)}"></div><figcaption>${escapeHtml(chart.note)}</figcaption></figure>`;

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;margin:0;background:#fafafa}
main{max-width:1120px;margin:0 auto;padding:20px 24px 40px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:15px;margin:0 0 6px}
.status{display:inline-block;padding:1px 10px;border-radius:10px;color:#fff;font-size:14px;vertical-align:3px}
.pass{background:#2a9d55}.fail{background:#d1495b}.muted{color:#666}
.chart-box{background:#fff;border:1px solid #e2e2e2;border-radius:6px;margin:16px 0;padding:12px 14px}
figcaption{color:#555;font-size:12.5px;margin-top:4px}
table{border-collapse:collapse;background:#fff;font-size:13px;margin:4px 0}
th,td{border:1px solid #e2e2e2;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f2f2f2}
td.num{text-align:right;font-variant-numeric:tabular-nums}
ul.checks{list-style:none;padding:0;margin:0}ul.checks li{padding:2px 0}
li.ok b{color:#2a9d55}li.bad b{color:#d1495b}
code{font:12.5px ui-monospace,Menlo,Consolas,monospace}
.u-legend{font-size:12.5px}
`;

/** The whole page; pure: the same run and assets give the same text. */
export function renderHtml(run: RunResult, assets: ChartAssets): string {
  const charts = chartsOf(run);
  const failedThresholds = run.thresholds.filter((t) => !t.passed).length;
  const status = run.passed && failedThresholds === 0 ? '<span class="status pass">PASSED</span>' : `<span class="status fail">${run.passed ? `${failedThresholds} threshold${failedThresholds === 1 ? '' : 's'} failed` : 'FAILED'}</span>`;
  const drivers = run.environment.drivers.map((d) => d.name).join(', ');
  const repeat = run.repeat ? `; ${run.repeat.count} runs, each on fresh topics` : '';
  const body = [
    `<header><h1>bench ${escapeHtml(run.scenario)} ${status}</h1><p class="muted">${escapeHtml(`${run.started_at} → ${run.ended_at}; ${run.environment.kafka.version}; ${drivers} driver${repeat}`)}</p></header>`,
    ...charts.map(chartFigure),
    figuresSection(run),
    latencySection(run),
    ...(run.tables ?? []).map(tableSection),
    checksSection(run),
    thresholdsSection(run),
    section('Parameters', table(['parameter', 'value'], Object.entries(run.parameters).map(([k, v]) => [k, v]))),
    environmentSection(run),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>bench ${escapeHtml(run.scenario)} ${escapeHtml(run.started_at)}</title>
<!-- ${assets.notice.replace(/--/g, '- -')} -->
<style>${assets.style}</style><style>${STYLE}</style>
</head><body><main>
${body.filter((part) => part !== '').join('\n')}
</main>
<script type="application/json" id="chart-data">${scriptJson(charts)}</script>
<script>${assets.script.replace(/<\/script/gi, '<\\/script')}</script>
<script>${CHART_SCRIPT}</script>
</body></html>
`;
}
