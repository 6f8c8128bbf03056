import * as R from "./registers.js";

/** Binary value of a BCD byte (each nibble taken at its weight, even if above 9). */
export function fromBcd(v: number): number {
  return (v >> 4) * 10 + (v & 0x0f);
}

/** BCD byte of 0..99. */
export function toBcd(n: number): number {
  return ((Math.floor(n / 10) % 10) << 4) | n % 10;
}

/** Days in `month` (1-12) of two-digit `year`: the chip's leap rule is "year divisible by 4". */
export function daysInMonth(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Reads and writes the time and date bytes of CMOS in the data mode and hour format register B selects. */
export class CalendarView {
  constructor(
    private readonly ram: Uint8Array,
    private readonly regB: () => number,
  ) {}

  private get binary(): boolean {
    return (this.regB() & R.B_DM_BINARY) !== 0;
  }

  get(index: number): number {
    const v = this.ram[index]!;
    return this.binary ? v : fromBcd(v);
  }

  set(index: number, n: number): void {
    this.ram[index] = this.binary ? n & 0xff : toBcd(n);
  }

  /** Hours as 0..23 whatever the format (12-hour: 12 AM is 0, 12 PM is 12). */
  hours24(): number {
    const raw = this.ram[R.HOURS]!;
    if (this.regB() & R.B_24H) return this.get(R.HOURS);
    const pm = (raw & R.HOURS_PM) !== 0;
    const h = (this.binary ? raw & 0x7f : fromBcd(raw & 0x7f)) % 12;
    return pm ? h + 12 : h;
  }

  /** Writes hours given as 0..23 in the current format. */
  setHours24(h: number): void {
    if (this.regB() & R.B_24H) {
      this.set(R.HOURS, h);
      return;
    }
    const h12 = h % 12 === 0 ? 12 : h % 12;
    this.ram[R.HOURS] = (this.binary ? h12 : toBcd(h12)) | (h >= 12 ? R.HOURS_PM : 0);
  }

  /**
   * The update cycle's one-second advance, carried through minutes, hours, day of week
   * (1-7), date, month and year (00-99). A year wrapping from 99 to 00 also advances the
   * PC's century byte (0x32), as PC chipsets do; the MC146818A itself has none. Values out of
   * range wrap at their limit rather than reproducing the chip's undefined behaviour.
   */
  tick(): void {
    const sec = this.get(R.SECONDS) + 1;
    if (sec < 60) return this.set(R.SECONDS, sec);
    this.set(R.SECONDS, 0);
    const min = this.get(R.MINUTES) + 1;
    if (min < 60) return this.set(R.MINUTES, min);
    this.set(R.MINUTES, 0);
    const hour = this.hours24() + 1;
    if (hour < 24) return this.setHours24(hour);
    this.setHours24(0);
    this.nextDay();
  }

  private nextDay(): void {
    const dow = this.get(R.DAY_OF_WEEK);
    this.set(R.DAY_OF_WEEK, dow >= 7 || dow < 1 ? 1 : dow + 1);
    const year = this.get(R.YEAR);
    const month = this.get(R.MONTH);
    const date = this.get(R.DAY_OF_MONTH) + 1;
    if (date <= daysInMonth(month, year)) return this.set(R.DAY_OF_MONTH, date);
    this.set(R.DAY_OF_MONTH, 1);
    if (month < 12) return this.set(R.MONTH, month + 1);
    this.set(R.MONTH, 1);
    if (year < 99) return this.set(R.YEAR, year + 1);
    this.set(R.YEAR, 0);
    this.set(R.CMOS_CENTURY, (this.get(R.CMOS_CENTURY) + 1) % 100);
  }

  /** Whether the seconds, minutes and hours match their alarm bytes (0xC0-0xFF: don't care). */
  alarmMatches(): boolean {
    const pairs = [
      [R.SECONDS, R.SECONDS_ALARM],
      [R.MINUTES, R.MINUTES_ALARM],
      [R.HOURS, R.HOURS_ALARM],
    ] as const;
    return pairs.every(([t, a]) => {
      const alarm = this.ram[a]!;
      return (alarm & R.ALARM_DONT_CARE) === R.ALARM_DONT_CARE || alarm === this.ram[t];
    });
  }
}
