/** A `points/seconds` setting, e.g. `600/60`: 600 points (requests, attempts) per 60-second window. */
export interface RateSetting {
  points: number;
  duration: number;
}

export function parseRateSetting(setting: string): RateSetting {
  const [points = NaN, duration = NaN] = setting.split('/').map(Number);
  if (!Number.isInteger(points) || !Number.isInteger(duration) || points < 1 || duration < 1) {
    throw new Error(`Invalid rate limit "${setting}": use points/seconds, e.g. 600/60`);
  }
  return { points, duration };
}

/** The setting from the environment variable `name`, or `fallback`. */
export const rateSettingFromEnv = (name: string, fallback: string): RateSetting => parseRateSetting(process.env[name] || fallback);
