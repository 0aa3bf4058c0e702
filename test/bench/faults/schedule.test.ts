import { expect } from 'chai';
import { DEFAULT_FAULTS, formatFaultSchedule, parseFaultSchedule, type Fault } from '../../../bench/faults/schedule.js';

function parsed(text: string, durationS = 120): Fault[] {
  const faults = parseFaultSchedule(text, durationS);
  if (typeof faults === 'string') throw new Error(faults);
  return faults;
}

describe('bench/faults/schedule', () => {
  it('reads AT:KIND[:FOR] entries in time order, FOR defaulting by kind', () => {
    expect(parsed('80:pause-broker:15, 20:kill-leader,50:kill-inventory')).to.deep.equal([
      { atS: 20, kind: 'kill-leader', forS: 10 },
      { atS: 50, kind: 'kill-inventory', forS: 1 },
      { atS: 80, kind: 'pause-broker', forS: 15 },
    ]);
    expect(parsed('2.5:kill-inventory:0.5')).to.deep.equal([{ atS: 2.5, kind: 'kill-inventory', forS: 0.5 }]);
    expect(parsed('')).to.deep.equal([]);
  });

  it('the default schedule has one fault of each kind, and prints back as it parses', () => {
    const faults = parsed(DEFAULT_FAULTS);
    expect(faults.map((f) => f.kind)).to.deep.equal(['kill-leader', 'kill-inventory', 'pause-broker']);
    expect(parsed(formatFaultSchedule(faults))).to.deep.equal(faults);
  });

  it('rejects malformed entries in one line that names the flag, the form and the kinds', () => {
    for (const bad of ['20', '20:explode', 'x:kill-leader', '-1:kill-leader', '20:kill-leader:0', '20:kill-leader:-3', '20:kill-leader:10:extra', '20:kill-leader,,', '1e3:kill-leader']) {
      const error = parseFaultSchedule(bad, 120);
      expect(error, bad).to.be.a('string');
      expect(error, bad).to.match(/^--faults takes AT:KIND\[:FOR\],\.\.\. \(seconds; KIND kill-leader, kill-inventory, pause-broker\)/);
      expect(typeof error === 'string' && error.includes('\n'), bad).to.equal(false);
    }
  });

  it('rejects a fault at or after the end of the load', () => {
    expect(parseFaultSchedule('30:kill-inventory', 30)).to.equal("--faults: '30:kill-inventory' comes at or after the end of the load (--duration 30)");
  });

  it('rejects two broker faults down at the same time, but lets an inventory kill overlap them', () => {
    expect(parseFaultSchedule('10:kill-leader:10,15:pause-broker', 60)).to.match(/^--faults: pause-broker at 15 s overlaps kill-leader at 10 s \(down until 20 s\)/);
    expect(parsed('10:kill-leader:10,20:pause-broker', 60)).to.have.length(2);
    expect(parsed('10:kill-leader:10,12:kill-inventory', 60)).to.have.length(2);
  });
});
