// One request of each kind before any load, so that a wrong fixture (a token that does not
// authenticate, a list that is not the size the table claims) stops the run with a reason.

import { READER_TOKENS, type SeededToken } from './seed.js';

async function getJson(url: string, token: string): Promise<unknown> {
  const response = await fetch(url, { headers: { authorization: token } });
  const body = await response.text();
  if (response.status !== 200)
    throw new Error(`preflight: GET ${url} gave ${response.status}: ${body}`);
  return JSON.parse(body) as unknown;
}

export async function preflight(serverUrl: string, readerTokens: readonly SeededToken[]) {
  const token = readerTokens[0]?.secret;
  if (token === undefined) throw new Error('preflight: the reader has no token');
  await getJson(`${serverUrl}/api/admin/user`, token);
  const list = (await getJson(`${serverUrl}/api/admin/user/tokens`, token)) as { pats?: unknown[] };
  if (list.pats?.length !== READER_TOKENS) {
    throw new Error(
      `preflight: the reader lists ${list.pats?.length} tokens, not ${READER_TOKENS}`,
    );
  }
}
