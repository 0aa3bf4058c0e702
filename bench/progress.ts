/** Progress on stderr, one rewritten line, only on a terminal and never in CI; stdout stays clean. */
export interface Progress {
  phase(text: string): void;
  update(text: string): void;
  done(): void;
}

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled) return { phase: () => undefined, update: () => undefined, done: () => undefined };
  let phase = '';
  let last = 0;
  const write = (text: string): void => {
    stream.write(`\r\x1b[K${text}`);
  };
  return {
    phase(text) {
      phase = text;
      write(`${phase}…`);
    },
    update(text) {
      if (performance.now() - last < 200) return;
      last = performance.now();
      write(`${phase}: ${text}`);
    },
    done() {
      write('');
    },
  };
}
