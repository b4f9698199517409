/** A progress bar on stderr, drawn only when stderr is a terminal (and never with --json). */
export function progressBar(label: string, enabled: boolean): { update: (done: number, total: number, extra?: string) => void; done: () => void } {
  const on = enabled && process.stderr.isTTY === true;
  let last = 0;
  return {
    update(done, total, extra = '') {
      if (!on) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const w = 24;
      const k = Math.round((w * done) / total);
      process.stderr.write(`\r${label} ${'█'.repeat(k)}${'░'.repeat(w - k)} ${Math.floor((100 * done) / total)}% ${extra}   `);
    },
    done() {
      if (on) process.stderr.write('\r' + ' '.repeat(80) + '\r');
    },
  };
}
