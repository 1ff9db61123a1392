/**
 * Whether a POST to a page is one Next can hand to a Server Action, or no action at all. A fetch action (with a
 * `Next-Action` header) carries React's encodeReply output for a console form's arguments `(state, formData)`:
 * the root is the array of arguments (the whole body as JSON, or the multipart field "0" beside the form's
 * fields), and its only references are the ones encodeReply writes for such values. A form posted without
 * JavaScript is multipart. Next decodes both before any of Roster's code runs and answers what it can't decode
 * with a 500 (unparsable bodies, arguments that aren't a list, references to rows, blobs or promises that aren't
 * there); `proxy.ts` answers 400 instead.
 */
export async function isDecodableActionBody(request: Request): Promise<boolean> {
  const isFetchAction = request.headers.has('next-action');
  const isMultipart = request.headers.get('content-type')?.toLowerCase().startsWith('multipart/form-data') ?? false;
  if (!isFetchAction && !isMultipart) return true; // not an action: the page answers as to any POST
  try {
    if (!isMultipart) return isArgumentList(JSON.parse(await request.clone().text()));
    const form = await request.clone().formData();
    return !isFetchAction || isArgumentList(JSON.parse(String(form.get('0'))));
  } catch {
    return false;
  }
}

// What encodeReply writes for plain values and a FormData: escaped strings ($$…), form data ($K<n>), undefined,
// dates, big integers and the special numbers. Anything else names a row or a stream the body would have to carry.
const plainReference = /^\$(\$|K\d+$|undefined$|D|n-?\d+$|-0$|NaN$|-?Infinity$)/;

function isArgumentList(root: unknown): boolean {
  const plain = (value: unknown): boolean => {
    if (typeof value === 'string') return !value.startsWith('$') || plainReference.test(value);
    if (Array.isArray(value)) return value.every(plain);
    if (value !== null && typeof value === 'object') return Object.values(value).every(plain);
    return true;
  };
  return Array.isArray(root) && plain(root);
}
