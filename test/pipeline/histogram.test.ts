import { expect } from 'chai';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, mergeHistograms, recordMicros, summarizeMs } from '../../pipeline/histogram.js';

describe('pipeline/histogram', () => {
  it('merges histograms: the percentiles of the whole, not the average of the parts', () => {
    const fast = createLatencyHistogram();
    const slow = createLatencyHistogram();
    for (let i = 0; i < 900; i++) recordMicros(fast, 1_000); // 1 ms
    for (let i = 0; i < 100; i++) recordMicros(slow, 100_000); // 100 ms
    const merged = summarizeMs(mergeHistograms([fast, slow]));
    expect(merged.count).to.equal(1000);
    expect(merged.p50).to.be.closeTo(1, 0.01);
    expect(merged.p90).to.be.closeTo(1, 0.01);
    expect(merged.p99).to.be.closeTo(100, 0.1);
    // Averaging the two p99s would have said about 50 ms.
    expect((summarizeMs(fast).p99 + summarizeMs(slow).p99) / 2).to.be.closeTo(50.5, 0.1);
  });

  it('survives encoding, as worker threads send it, to the histogram\'s precision', () => {
    const histogram = createLatencyHistogram();
    for (let i = 0; i <= 10_000; i++) recordMicros(histogram, i * 37);
    const original = summarizeMs(histogram);
    const decoded = summarizeMs(decodeHistogram(encodeHistogram(histogram)));
    expect({ ...decoded, max: 0, p99_99: 0 }).to.deep.equal({ ...original, max: 0, p99_99: 0 });
    // Only bucket counts travel: the exact max comes back as its bucket's top, within 3 significant digits.
    expect(decoded.max).to.be.closeTo(original.max, original.max * 0.001);
    expect(decoded.p99_99).to.be.closeTo(original.p99_99, original.p99_99 * 0.001);
  });

  it('keeps zero, counts negatives as zero, records with a count, and never reports a percentile above the max', () => {
    const histogram = createLatencyHistogram();
    recordMicros(histogram, 0);
    recordMicros(histogram, -50);
    recordMicros(histogram, 2_345, 8);
    const summary = summarizeMs(histogram);
    expect(summary).to.include({ count: 10, min: 0, max: 2.345 });
    expect(summary.p99_99).to.be.at.most(summary.max);
  });
});
