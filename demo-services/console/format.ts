/** How the console writes times and amounts. Pure. */

/** `HH:MM:SS UTC` of an ISO timestamp (anything shorter is shown as it is). */
export function time(iso: string): string {
  return iso.length >= 19 ? `${iso.slice(11, 19)} UTC` : iso;
}

/** `12.50` for 1250 cents. */
export function amount(cents: number): string {
  return (cents / 100).toFixed(2);
}
