// A progress line on a terminal (records/s, ETA), redrawn at most a few times a second.
// On anything that is not a terminal it stays silent: logs and CI output stay clean.
import type { Clock } from '../time/clock.js';

export interface ProgressSink {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

export class Progress {
  private readonly started: number;
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly out: ProgressSink,
    private readonly clock: Clock,
    private readonly enabled: boolean,
    private readonly label: string,
  ) {
    this.started = clock.monotonic();
  }

  update(done: number, total: number, records: number, force = false): void {
    if (!this.enabled) return;
    const now = this.clock.monotonic();
    if (!force && now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const elapsed = Math.max(0.001, (now - this.started) / 1000);
    const frac = total > 0 ? done / total : 1;
    const width = 24;
    const filled = Math.round(frac * width);
    const rate = records / elapsed;
    const eta = frac > 0 && frac < 1 ? (elapsed / frac) * (1 - frac) : 0;
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${formatCount(records)} records  ${formatCount(rate)}/s  ETA ${formatSeconds(eta)}`;
    const cols = this.out.columns ?? 120;
    this.out.write(`\r${line.slice(0, cols - 1).padEnd(Math.min(cols - 1, line.length))}`);
    this.drawn = true;
  }

  done(): void {
    if (this.enabled && this.drawn) this.out.write('\n');
  }
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}K`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return n.toFixed(0);
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export function formatSeconds(s: number): string {
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${s.toFixed(1)}s`;
}
