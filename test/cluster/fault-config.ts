/**
 * Broker settings for fault tests: a session short enough that a dead or frozen broker
 * loses its leaderships in seconds, and a lag limit short enough that a paused follower
 * leaves the ISR in seconds, so a test sees elections and ISR changes without waiting
 * Kafka's production defaults (tens of seconds).
 */
export const SESSION_MS = 3000;
export const LAG_MS = 2000;

export function faultBrokerConfig(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    "broker.session.timeout.ms": String(SESSION_MS),
    "controller.session.timeout.ms": String(SESSION_MS),
    "replica.lag.time.max.ms": String(LAG_MS),
    ...extra,
  };
}
