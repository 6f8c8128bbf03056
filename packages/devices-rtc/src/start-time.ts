/** A calendar time as the RTC's registers hold it. */
export interface CalendarTime {
  year: number; // full year, e.g. 2000
  month: number; // 1-12
  day: number; // 1-31
  dayOfWeek: number; // 1-7, Sunday = 1 (the PC BIOS convention)
  hours: number; // 0-23
  minutes: number;
  seconds: number;
  /** Milliseconds into the second. */
  millis: number;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an ISO 8601 date-time with a zone (`2000-01-01T00:00:00Z`,
 * `2024-02-29T23:59:58.5+01:00`) into the UTC calendar time the RTC starts from, or returns
 * undefined. Years 1900-2099 (the RTC's century byte and leap rule cover those). This reads
 * no clock: the string is the only input.
 */
export function parseStartTime(text: string): CalendarTime | undefined {
  if (!ISO.test(text)) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (year < 1900 || year > 2099) return undefined;
  // Date.parse rolls 2023-02-30 over to March: reject dates that are not in the calendar.
  const [datePart] = text.split("T");
  const [, mm, dd] = datePart!.split("-").map(Number);
  if (mm! < 1 || mm! > 12 || dd! < 1 || dd! > 31) return undefined;
  const probe = new Date(Date.UTC(Number(datePart!.slice(0, 4)), mm! - 1, dd!));
  if (probe.getUTCDate() !== dd) return undefined;
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    dayOfWeek: d.getUTCDay() + 1,
    hours: d.getUTCHours(),
    minutes: d.getUTCMinutes(),
    seconds: d.getUTCSeconds(),
    millis: d.getUTCMilliseconds(),
  };
}
