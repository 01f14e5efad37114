/** One candidate: `[start, end)` is masked; `secret` is the value (allow lists and entropy see it). */
export interface RawSecret {
  start: number;
  end: number;
  secret: string;
}
