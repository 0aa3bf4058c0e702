/**
 * The fault schedule of bench:chaos as data: `--faults "AT:KIND[:FOR],..."`, e.g.
 * `20:kill-leader,50:kill-inventory,80:pause-broker:15`. AT is seconds from the start of the load,
 * FOR how long the fault lasts (a killed process stays down, a paused broker stays stopped).
 */

export const FAULT_KINDS = ['kill-leader', 'kill-inventory', 'pause-broker'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  /** Seconds after the load started. */
  readonly atS: number;
  readonly kind: FaultKind;
  /** Seconds the target stays down or stopped before its restart or SIGCONT. */
  readonly forS: number;
}

/**
 * How long each kind lasts when FOR is not given. A paused broker must stay stopped longer than
 * the broker session timeout (9 s) and the stages' group session timeout (10 s), or nobody notices.
 */
export const DEFAULT_FOR_S: Readonly<Record<FaultKind, number>> = { 'kill-leader': 10, 'kill-inventory': 1, 'pause-broker': 15 };

/** Faults that take a broker down: at most one at a time, so that the cluster keeps its quorum and 2 in-sync replicas. */
export const BROKER_FAULTS: readonly FaultKind[] = ['kill-leader', 'pause-broker'];

export const DEFAULT_FAULTS = '20:kill-leader,50:kill-inventory,80:pause-broker:15';

const isKind = (text: string): text is FaultKind => (FAULT_KINDS as readonly string[]).includes(text);

const USAGE = `--faults takes AT:KIND[:FOR],... (seconds; KIND ${FAULT_KINDS.join(', ')}), e.g. ${DEFAULT_FAULTS}`;

/** A non-negative decimal number of seconds, or undefined. */
function seconds(text: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function parseOne(entry: string): Fault | string {
  const parts = entry.split(':');
  const [at, kind, duration, ...rest] = parts.map((part) => part.trim());
  if (at === undefined || kind === undefined || rest.length > 0) return `${USAGE}; got '${entry}'`;
  const atS = seconds(at);
  if (atS === undefined) return `${USAGE}; '${at}' in '${entry}' is not a number of seconds`;
  if (!isKind(kind)) return `${USAGE}; '${kind}' in '${entry}' is not a fault kind`;
  const forS = duration === undefined ? DEFAULT_FOR_S[kind] : seconds(duration);
  if (forS === undefined || forS <= 0) return `${USAGE}; FOR '${duration ?? ''}' in '${entry}' is not a number of seconds above 0`;
  return { atS, kind, forS };
}

/**
 * The schedule, in time order, or one line saying what is wrong: a malformed entry, a fault at or
 * after the end of the load, or two broker faults whose down times overlap.
 */
export function parseFaultSchedule(text: string, durationS: number): Fault[] | string {
  if (text.trim() === '') return [];
  const entries = text.split(',').map((entry) => entry.trim());
  const faults: Fault[] = [];
  for (const entry of entries) {
    const fault = parseOne(entry);
    if (typeof fault === 'string') return fault;
    if (fault.atS >= durationS) return `--faults: '${entry}' comes at or after the end of the load (--duration ${durationS})`;
    faults.push(fault);
  }
  faults.sort((a, b) => a.atS - b.atS);
  const brokerFaults = faults.filter((fault) => BROKER_FAULTS.includes(fault.kind));
  for (let i = 1; i < brokerFaults.length; i++) {
    const before = brokerFaults[i - 1];
    const fault = brokerFaults[i];
    if (before && fault && fault.atS < before.atS + before.forS) {
      return `--faults: ${fault.kind} at ${fault.atS} s overlaps ${before.kind} at ${before.atS} s (down until ${before.atS + before.forS} s); one broker at a time keeps the quorum and 2 in-sync replicas`;
    }
  }
  return faults;
}

/** The schedule as written on the command line (and in run.json's parameters). */
export function formatFaultSchedule(faults: readonly Fault[]): string {
  return faults.map((fault) => `${fault.atS}:${fault.kind}:${fault.forS}`).join(',');
}
