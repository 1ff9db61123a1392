/** An RFC 9457 problem+json body as Roster's doors send it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance: string;
  errors?: { pointer?: string; parameter?: string; detail: string }[];
  traceId?: string;
}
