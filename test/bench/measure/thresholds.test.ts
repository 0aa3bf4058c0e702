import { expect } from 'chai';
import { evaluateThresholds, parseThreshold, parseThresholdsFile, type Threshold } from '../../../bench/measure/thresholds.js';
import type { HistogramRecord } from '../../../bench/report/run-result.js';
import { createLatencyHistogram, encodeHistogram, recordMicros, summarizeMs } from '../../../pipeline/histogram.js';

function parsed(text: string): Threshold {
  const threshold = parseThreshold(text);
  if (typeof threshold === 'string') throw new Error(threshold);
  return threshold;
}

function histogramRecord(name: string, micros: readonly number[]): HistogramRecord {
  const h = createLatencyHistogram();
  for (const v of micros) recordMicros(h, v);
  return { name, description: name, summary: summarizeMs(h), encoded: encodeHistogram(h) };
}

describe('bench/measure/thresholds', () => {
  it("parses k6's syntax: a histogram's statistic or a figure, every operator", () => {
    expect(parsed('end_to_end.p99<50')).to.deep.equal({ source: 'end_to_end.p99<50', target: { kind: 'histogram', histogram: 'end_to_end', statistic: { kind: 'percentile', percentile: 99 } }, operator: '<', limit: 50 });
    expect(parsed('produce_events_per_s>20000').target).to.deep.equal({ kind: 'figure', figure: 'produce_events_per_s' });
    expect(parsed('end_to_end.p(99.9) <= 1.5')).to.include({ operator: '<=', limit: 1.5 });
    expect(parsed('end_to_end.p(99.9)<=1.5').target).to.deep.include({ statistic: { kind: 'percentile', percentile: 99.9 } });
    expect(parsed('end_to_end.p99_9<2').target).to.deep.include({ statistic: { kind: 'percentile', percentile: 99.9 } });
    expect(parsed('end_to_end.p99.99<2').target).to.deep.include({ statistic: { kind: 'percentile', percentile: 99.99 } });
    expect(parsed('http.avg<2').target).to.deep.include({ statistic: { kind: 'mean' } });
    expect(parsed('http.med<2').target).to.deep.include({ statistic: { kind: 'percentile', percentile: 50 } });
    for (const op of ['<', '<=', '>', '>=', '==', '!=']) expect(parsed(`http.max${op}3`).operator).to.equal(op);
  });

  for (const bad of ['end_to_end.p99', 'end_to_end.p99<<50', 'end_to_end.p99<fast', 'end_to_end.p101<5', 'end_to_end.p0<5', 'end_to_end.q99<5', '<50', 'a b<3', 'end_to_end.p99<50ms']) {
    it(`refuses '${bad}' in one line that names it and shows the syntax`, () => {
      const message = parseThreshold(bad);
      expect(message).to.be.a('string').and.to.include(`'${bad}' is not a threshold`).and.to.include('end_to_end.p99<50');
      expect(typeof message === 'string' && !message.includes('\n')).to.equal(true);
    });
  }

  it('reads a thresholds file in k6 options shape', () => {
    const thresholds = parseThresholdsFile(JSON.stringify({ thresholds: { end_to_end: ['p(99)<50', 'max<200'], produce_events_per_s: ['value>20000'] } }), 't.json');
    expect(Array.isArray(thresholds) ? thresholds.map((t) => t.source) : thresholds).to.deep.equal(['end_to_end.p(99)<50', 'end_to_end.max<200', 'produce_events_per_s>20000']);
  });

  it('refuses a thresholds file that is not JSON, not the shape, or holds a bad expression', () => {
    expect(parseThresholdsFile('{', 't.json')).to.match(/^--thresholds t\.json is not JSON/);
    expect(parseThresholdsFile('{"end_to_end":["p99<5"]}', 't.json')).to.match(/^--thresholds t\.json: .*expected \{ "thresholds"/);
    expect(parseThresholdsFile('{"thresholds":{"end_to_end":["p99<<5"]}}', 't.json')).to.match(/^--thresholds t\.json: end_to_end: 'end_to_end\.p99<<5' is not a threshold/);
  });

  it('evaluates over the histogram (ms) and the figures, pass and fail with the value', () => {
    const micros = Array.from({ length: 1000 }, (_, i) => (i + 1) * 100); // 0.1 ms .. 100 ms
    const run = { figures: { produce_events_per_s: 25_000, best_driver: 'kafkajs' }, histograms: [histogramRecord('end_to_end', micros)] };
    const results = evaluateThresholds(run, ['end_to_end.p99<50', 'end_to_end.p50<60', 'end_to_end.count==1000', 'end_to_end.max<=100', 'produce_events_per_s>20000', 'produce_events_per_s<20000'].map(parsed));
    expect(results.map((r) => [r.threshold, r.passed, r.value])).to.deep.equal([
      ['end_to_end.p99<50', false, 99.007],
      ['end_to_end.p50<60', true, 50.015],
      ['end_to_end.count==1000', true, 1000],
      ['end_to_end.max<=100', false, 100.031],
      ['produce_events_per_s>20000', true, 25_000],
      ['produce_events_per_s<20000', false, 25_000],
    ]);
    expect(results[0]?.detail).to.equal('99.007 ms outside < 50 ms');
    expect(results[4]?.detail).to.equal('25000 within > 20000');
  });

  it('fails a threshold on a name the run does not have, or on a figure that is not a number', () => {
    const run = { figures: { best_driver: 'kafkajs' }, histograms: [histogramRecord('end_to_end', [100])] };
    const [noFigure, noHistogram, text] = evaluateThresholds(run, ['produce_events_per_s>1', 'http.p99<5', 'best_driver>1'].map(parsed));
    expect(noFigure).to.deep.equal({ threshold: 'produce_events_per_s>1', passed: false, value: null, detail: 'this run has no figure produce_events_per_s' });
    expect(noHistogram?.detail).to.equal('this run has no histogram http; it has end_to_end');
    expect(text?.detail).to.equal('figure best_driver is "kafkajs", not a number');
  });
});
