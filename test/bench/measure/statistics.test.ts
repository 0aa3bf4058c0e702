import { expect } from 'chai';
import { logGamma, mean, median, regularizedIncompleteBeta, sampleVariance, spreadOf, studentTTwoSided, welchTTest } from '../../../bench/measure/statistics.js';

/** P(|T| >= t) by integrating Student's density numerically (Simpson's rule): a check independent of the incomplete beta. */
function twoSidedByIntegration(t: number, df: number): number {
  const density = (x: number): number => Math.exp(logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log(1 + (x * x) / df));
  const steps = 20_000;
  const h = Math.abs(t) / steps;
  let sum = density(0) + density(Math.abs(t));
  for (let i = 1; i < steps; i++) sum += (i % 2 === 1 ? 4 : 2) * density(i * h);
  return 1 - 2 * ((sum * h) / 3);
}

describe('bench/measure/statistics', () => {
  it('mean, sample variance and median', () => {
    expect(mean([1, 2, 3, 4])).to.equal(2.5);
    expect(sampleVariance([2, 4, 4, 4, 5, 5, 7, 9])).to.be.closeTo(32 / 7, 1e-12);
    expect(sampleVariance([3])).to.equal(0);
    expect(median([5, 1, 3])).to.equal(3);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
  });

  it('spread: median, min, max and (max - min) / median in percent', () => {
    expect(spreadOf([100, 90, 120])).to.deep.equal({ median: 100, min: 90, max: 120, spread_pct: 30 });
    expect(spreadOf([7, 7])).to.deep.equal({ median: 7, min: 7, max: 7, spread_pct: 0 });
    expect(spreadOf([-1, 0, 1]).spread_pct).to.equal(null);
  });

  it('ln Γ and the regularized incomplete beta at known values', () => {
    expect(logGamma(5)).to.be.closeTo(Math.log(24), 1e-12);
    expect(logGamma(0.5)).to.be.closeTo(0.5 * Math.log(Math.PI), 1e-12);
    expect(regularizedIncompleteBeta(0.5, 2, 2)).to.be.closeTo(0.5, 1e-12);
    // I_x(1, b) = 1 - (1 - x)^b
    expect(regularizedIncompleteBeta(0.3, 1, 4)).to.be.closeTo(1 - 0.7 ** 4, 1e-12);
  });

  it("Student's t: the table's critical values, Cauchy at one degree of freedom, and numeric integration", () => {
    expect(studentTTwoSided(2.228, 10)).to.be.closeTo(0.05, 2e-4);
    expect(studentTTwoSided(12.706, 1)).to.be.closeTo(0.05, 2e-4);
    expect(studentTTwoSided(1, 1)).to.be.closeTo(0.5, 1e-12);
    expect(studentTTwoSided(0, 7)).to.be.closeTo(1, 1e-12);
    for (const [t, df] of [[1.897, 5.882], [0.4, 3], [3.5, 17.3], [-2.1, 40]] as const) expect(studentTTwoSided(t, df), `t ${t} df ${df}`).to.be.closeTo(twoSidedByIntegration(t, df), 1e-6);
  });

  it("Welch's t-test: t, the Welch–Satterthwaite degrees of freedom, and p", () => {
    const result = welchTTest([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
    expect(result.t).to.be.closeTo(-3 / Math.sqrt(2.5), 1e-12);
    expect(result.df).to.be.closeTo(6.25 / 1.0625, 1e-12);
    expect(result.p).to.be.closeTo(twoSidedByIntegration(result.t, result.df), 1e-6);
    expect(result.p).to.be.within(0.1, 0.12);
  });

  it('two samples without variance: certain when the means differ, nothing when equal; fewer than two values refused', () => {
    expect(welchTTest([5, 5], [6, 6]).p).to.equal(0);
    expect(welchTTest([5, 5], [5, 5]).p).to.equal(1);
    expect(() => welchTTest([1], [1, 2])).to.throw(/at least two values/);
  });
});
