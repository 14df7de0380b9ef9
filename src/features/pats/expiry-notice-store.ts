import type { Queryable } from '../../db/db.js';

/** pat_expiry_notices: which expiry notices have been recorded, one row per token and lead time. */
export class ExpiryNoticeStore {
  /**
   * Claims the notice in the caller's transaction; false when it was already there (another
   * instance was first), so each notice is recorded once however many instances run.
   */
  async claim(tx: Queryable, tokenId: number, leadDays: number): Promise<boolean> {
    const claimed = await tx.query(
      `INSERT INTO pat_expiry_notices (token_id, lead_days) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [tokenId, leadDays],
    );
    return claimed.length > 0;
  }
}
