/**
 * What time it is, as the services ask it. Services take a Clock among their dependencies
 * (defaulting to the system's) so that a unit test can move time instead of waiting for it:
 * a token's expiry, a session's end, an idle token's revocation, an expiry notice's day.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
