import 'server-only';

/** A PHC-style string `$id[$v=N]$params$salt$hash`, as argon2, passlib's scrypt and PBKDF2 write them. */
export interface Phc {
  id: string;
  version?: number;
  params: Record<string, string>;
  salt: string;
  hash: string;
}

export function parsePhc(value: string): Phc | null {
  const parts = value.split('$');
  if (parts[0] !== '' || parts.length < 5 || parts.length > 6) return null;
  const [, id, ...rest] = parts as [string, string, ...string[]];
  let version: number | undefined;
  if (rest.length === 4) {
    const match = /^v=(\d{1,3})$/.exec(rest.shift()!);
    if (!match) return null;
    version = Number(match[1]);
  }
  const [paramText, salt, hash] = rest as [string, string, string];
  const params: Record<string, string> = {};
  for (const pair of paramText.split(',')) {
    const match = /^([a-z0-9-]{1,16})=([A-Za-z0-9+/.-]{1,64})$/.exec(pair);
    // passlib's PBKDF2 writes the bare iteration count instead of i=N.
    if (!match) {
      if (/^\d{1,10}$/.test(pair) && paramText === pair) params.i = pair;
      else return null;
    } else params[match[1]!] = match[2]!;
  }
  if (!salt || !hash) return null;
  return { id, version, params, salt, hash };
}

/** An integer parameter, or NaN when absent or not a plain number. */
export const intParam = (phc: Phc, name: string) => (/^\d{1,10}$/.test(phc.params[name] ?? '') ? Number(phc.params[name]) : NaN);

/** PHC's unpadded base64, passlib's "adapted" base64 ('.' for '+') and base64url all decode here. */
export const decodeB64 = (value: string) => Buffer.from(value.replaceAll('.', '+'), 'base64');
