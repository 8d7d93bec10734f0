/** A request's body as JSON when it is JSON, as text when it is not, undefined when empty (emulators judge it themselves). */
export async function parsedBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
