/**
 * A broker's request security, built from its config and the watched metadata: who a
 * caller is (TLS certificate, SCRAM session token, or anonymous: PrincipalResolver), what
 * it may do (ACLs from etcd, or everything when `super.users` is unset), how fast
 * (client quotas from etcd), and the SCRAM authenticator that hands out session tokens.
 * Every part reads etcd through the metadata image, so a change applies with the next
 * watch event; refusals are logged (rate-limited) and counted.
 */
import type { MetadataImage } from "../cluster/metadata-image.js";
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import type { BrokerMetrics } from "../metrics/broker-metrics.js";
import { aclIndexOf } from "../security/acl-cache.js";
import { ALLOW_ALL, standardAuthorizer } from "../security/authorizer.js";
import { ClientQuotaManager } from "../security/client-quota-manager.js";
import { quotaIndexOf } from "../security/quota-store.js";
import { SaslAuthenticator } from "../security/sasl-authenticator.js";
import { scramCredentialOf } from "../security/scram-store.js";
import { PrincipalResolver, type RequestAuthorization, refusalReporter } from "./authorization.js";
import type { BrokerConfig } from "./config.js";
import type { QuotaEnforcement } from "./quota-enforcement.js";

export interface BrokerSecurity {
  readonly authorization: RequestAuthorization;
  readonly quotaEnforcement: QuotaEnforcement;
  readonly sasl: SaslAuthenticator;
}

export function createBrokerSecurity(deps: {
  readonly config: BrokerConfig;
  readonly image: () => MetadataImage;
  readonly clock: Clock;
  readonly metrics: BrokerMetrics;
  readonly logger: Logger;
}): BrokerSecurity {
  const { config, image, clock, metrics, logger } = deps;
  const sasl = new SaslAuthenticator({
    mechanisms: config.sasl.mechanisms,
    credentialOf: scramCredentialOf(image),
    clock,
    sessionLifetimeMs: config.sasl.sessionLifetimeMs,
    failureDelayMs: config.sasl.failedAuthenticationDelayMs,
    onResult: ({ mechanism, user, peer, error }) => {
      metrics.saslAuthenticated(mechanism, error === null);
      if (error)
        authorization.onRefused({ service: "Broker", method: "SaslAuthenticate", principal: null, peer, error });
      else logger.debug({ mechanism, user, peer }, "SASL authentication succeeded");
    },
  });
  const authorization: RequestAuthorization = {
    authorizer: config.superUsers ? standardAuthorizer(config.superUsers, aclIndexOf(image)) : ALLOW_ALL,
    principals: new PrincipalResolver(config.principalMappingRules, sasl.enabled ? sasl : null),
    onRefused: refusalReporter(logger.child({ component: "authorizer" }), clock, (service, method, code) =>
      metrics.authorizationRefused(service, method, code),
    ),
  };
  const quotas = quotaIndexOf(image);
  const quotaEnforcement: QuotaEnforcement = {
    quotas,
    manager: new ClientQuotaManager({ clock, ...config.quotaWindow, quotas }),
    principals: authorization.principals,
    clock,
    onThrottled: (kind, ms) => metrics.quotaThrottled(kind, ms),
  };
  return { authorization, quotaEnforcement, sasl };
}
