// Remembers the signatures of deliveries this process accepted, until their timestamp falls out of the
// tolerance (after which the timestamp check rejects them anyway). The key is the signature's decoded
// digest: X-Event-ID is not signed, and the header can be spelled several ways, so neither can be one.

export interface ReplayGuard {
  /** True the first time `replayKey` is seen (and remembers it until `expiresAtMs`); false for a replay. */
  firstSighting(replayKey: string, expiresAtMs: number, nowMs: number): boolean;
  /** Forgets `replayKey`, so that a copy is accepted again (the delivery was not processed). */
  forget(replayKey: string): void;
}

/**
 * A guard holding at most `capacity` keys: when full it drops expired keys, then the oldest. A delivery
 * replayed after `capacity` newer ones were accepted within the tolerance is not caught here; the
 * idempotency store of a receiver on several instances (docs/receivers.md) catches it.
 */
export function createReplayGuard(capacity: number): ReplayGuard {
  const expiries = new Map<string, number>();

  function makeRoom(nowMs: number): void {
    for (const [key, expiresAt] of expiries) {
      if (expiresAt <= nowMs) expiries.delete(key);
    }
    while (expiries.size >= capacity) {
      const oldest = expiries.keys().next().value;
      if (oldest === undefined) return;
      expiries.delete(oldest);
    }
  }

  return {
    firstSighting(replayKey, expiresAtMs, nowMs) {
      const seenUntil = expiries.get(replayKey);
      if (seenUntil !== undefined && seenUntil > nowMs) return false;
      expiries.delete(replayKey);
      if (expiries.size >= capacity) makeRoom(nowMs);
      expiries.set(replayKey, expiresAtMs);
      return true;
    },
    forget(replayKey) {
      expiries.delete(replayKey);
    },
  };
}
