// The CLI keeps lists of names that belong to the broker, to phrase advice without asking
// it: topic config names (for "did you mean" after the cluster refuses an unknown one)
// and the broker's settings (whose TIDELOG_* variables the CLI must not warn about).
// Pinned here to the broker's own lists, so a setting added there fails this test until
// the CLI knows it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BROKER_SETTINGS } from "../../clients/cli/src/environment.js";
import {
  BROKER_TO_TOPIC_CONFIG,
  TOPIC_CONFIG_NAMES,
  topicConfigAdvice,
} from "../../clients/cli/src/topic-config-names.js";
import { BrokerConfigSchema } from "../../src/server/config.js";
import { LOG_CONFIG_KEYS } from "../../src/storage/log-config.js";

test("the CLI's topic config names are the broker's", () => {
  const broker = [...LOG_CONFIG_KEYS.map((k) => k.name), "cleanup.policy"].sort();
  assert.deepEqual([...TOPIC_CONFIG_NAMES].sort(), broker, "clients/cli/src/topic-config-names.ts: TOPIC_CONFIG_NAMES");
  const settings = new Set(Object.keys(BrokerConfigSchema.properties));
  for (const [brokerName, topicName] of BROKER_TO_TOPIC_CONFIG) {
    assert.ok(settings.has(brokerName), `${brokerName} is a broker setting`);
    assert.ok(TOPIC_CONFIG_NAMES.includes(topicName), `${topicName} is a topic config`);
  }
  assert.equal(topicConfigAdvice("retenton.ms"), "did you mean 'retention.ms'?");
  assert.equal(topicConfigAdvice("Retention.MS"), "did you mean 'retention.ms'?");
  assert.match(topicConfigAdvice("log.retention.ms") ?? "", /a topic's own setting is 'retention\.ms'/);
  assert.equal(topicConfigAdvice("completely.different.thing"), null);
});

test("the CLI's list of broker settings is the broker's", () => {
  assert.deepEqual(
    [...BROKER_SETTINGS].sort(),
    Object.keys(BrokerConfigSchema.properties).sort(),
    "clients/cli/src/environment.ts: BROKER_SETTINGS",
  );
});
