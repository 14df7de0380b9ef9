// Leaked tokens: anyone who finds an Unlatch token (a secret scanner, a colleague reading a
// public repository) can report it, with no account. The answer never says whether a report
// matched anything, and each reported string that is a live token is deleted at once, on
// every instance, with a `pat-leaked` event its owner and the Admins can see.

import type { Db } from '../../db/db.js';
import type { AuditLog } from '../events/audit.js';
import type { RevocationBus } from '../revocation/revocation-bus.js';
import { patEventData } from './pat.js';
import type { PatStore } from './pat-store.js';
import { selectorOf, verifierMatches } from './token.js';

export const MAX_REPORTED_TOKENS = 1000;

export interface LeakReporter {
  ip: string;
  userAgent: string | null;
}

export interface LeakedTokensDeps {
  db: Db;
  store: PatStore;
  audit: AuditLog;
  revocations: RevocationBus;
}

export class LeakedTokens {
  readonly #deps: LeakedTokensDeps;

  constructor(deps: LeakedTokensDeps) {
    this.#deps = deps;
  }

  /** Returns how many were revoked: for tests and logs only, never for the reporter. */
  async revoke(reported: readonly string[], reporter: LeakReporter): Promise<number> {
    const { db, store, audit, revocations } = this.#deps;
    const bySelector = new Map<string, string>();
    for (const token of reported) {
      const selector = selectorOf(token.trim());
      if (selector !== undefined) bySelector.set(selector, token.trim());
    }
    const candidates = await store.findBySelectors([...bySelector.keys()]);
    // Only a full secret proves a leak: a selector alone (which shows in no log) is not enough.
    const leaked = candidates.filter(({ selector, verifier }) =>
      verifierMatches(bySelector.get(selector) ?? '', verifier),
    );
    if (leaked.length === 0) return 0;
    const revoked = await db.transaction(async (tx) => {
      const gone: string[] = [];
      for (const { selector } of leaked) {
        const pat = await store.deleteBySelector(tx, selector);
        if (!pat) continue; // deleted meanwhile
        await audit.recordAnonymous(
          'pat-leaked',
          { createdBy: 'leak-report', ip: reporter.ip },
          // The owner's id in the data: the event is about their token, not by them.
          { ...patEventData(pat), userId: pat.userId, reporterUserAgent: reporter.userAgent },
          tx,
        );
        await revocations.announce(tx, { kind: 'pat', selector });
        gone.push(selector);
      }
      return gone;
    });
    for (const selector of revoked) revocations.apply({ kind: 'pat', selector });
    return revoked.length;
  }
}
