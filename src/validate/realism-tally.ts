// How often the labels declare each pipeline imperfection (duplicates, late arrivals, clock
// skew, missing optional fields), and whether a declared missing field is really missing.
import type { ParsedLabel } from './schemas/envelope.js';

export type RealismCounts = Pick<RealismTally, 'records' | 'duplicates' | 'late' | 'maxLateMs' | 'skewed' | 'maxAbsSkewMs' | 'missing' | 'contradicted'>;

export class RealismTally {
  records = 0;
  duplicates = 0;
  late = 0;
  maxLateMs = 0;
  skewed = 0;
  maxAbsSkewMs = 0;
  missing = 0;
  /** Labels that declare a field missing while the body still has it. */
  contradicted = 0;

  add(label: ParsedLabel): void {
    this.records++;
    if (label.duplicate) this.duplicates++;
    if (label.late_ms !== undefined) {
      this.late++;
      if (label.late_ms > this.maxLateMs) this.maxLateMs = label.late_ms;
    }
    if (label.skew_ms !== undefined) {
      this.skewed++;
      if (Math.abs(label.skew_ms) > this.maxAbsSkewMs) this.maxAbsSkewMs = Math.abs(label.skew_ms);
    }
    if (label.missing_fields !== undefined) this.missing++;
  }

  counts(): RealismCounts {
    const { records, duplicates, late, maxLateMs, skewed, maxAbsSkewMs, missing, contradicted } = this;
    return { records, duplicates, late, maxLateMs, skewed, maxAbsSkewMs, missing, contradicted };
  }

  /** Adds another tally's counts (of other files) into this one. */
  absorb(o: RealismCounts): void {
    this.records += o.records;
    this.duplicates += o.duplicates;
    this.late += o.late;
    this.maxLateMs = Math.max(this.maxLateMs, o.maxLateMs);
    this.skewed += o.skewed;
    this.maxAbsSkewMs = Math.max(this.maxAbsSkewMs, o.maxAbsSkewMs);
    this.missing += o.missing;
    this.contradicted += o.contradicted;
  }
}
