/**
 * A user's own settings, parsed at the edge: a JSON file whose keys override the defaults of
 * the one config point (`defaultConfig`) and the Alertmanager options. Objects are merged key by
 * key (so `{ "thresholds": { "breakerOpenFor": "1m" } }` changes one threshold); arrays
 * (`slos`, `groupingLabels`) replace the default. An unknown key fails with one message naming
 * it and what is accepted.
 */
import { defaultAlertmanagerOptions, type AlertmanagerOptions } from './alertmanager.ts';
import { defaultConfig, type AlertsConfig } from './config.ts';

/** A settings file could not be used; the message names the key and what is accepted. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** What a settings file configures. */
export interface Settings {
  readonly config: AlertsConfig;
  readonly alertmanager: AlertmanagerOptions;
  /** Namespace of the PrometheusRule and the dashboards' ConfigMaps. */
  readonly namespace: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(base: unknown, override: unknown, at: string): unknown {
  if (override === undefined) return base;
  if (!isObject(base)) {
    if (base !== undefined && typeof base !== typeof override) {
      throw new SettingsError(
        `${at}: expected a ${Array.isArray(base) ? 'list' : typeof base}, got ${JSON.stringify(override)}`,
      );
    }
    return override;
  }
  if (!isObject(override))
    throw new SettingsError(`${at}: expected an object, got ${JSON.stringify(override)}`);
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (!(key in base)) {
      throw new SettingsError(
        `${at ? `${at}.` : ''}${key} is not a setting; accepted: ${Object.keys(base).join(', ')}`,
      );
    }
    merged[key] = merge(base[key], value, at ? `${at}.${key}` : key);
  }
  return merged;
}

/** Reads a parsed settings file. Throws {@link SettingsError}. */
export function parseSettings(raw: unknown): Settings {
  if (!isObject(raw)) throw new SettingsError('the settings file must hold a JSON object');
  const { alertmanager = {}, namespace = 'monitoring', ...config } = raw;
  if (typeof namespace !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) {
    throw new SettingsError(`namespace: a Kubernetes namespace name, got ${JSON.stringify(namespace)}`);
  }
  if (!isObject(alertmanager))
    throw new SettingsError('alertmanager: expected an object of Alertmanager options');
  const amDefaults: Json = {
    ...defaultAlertmanagerOptions,
    pagerDutyUrl: undefined,
    heartbeatUrl: undefined,
    warningWebhookUrl: undefined,
  };
  for (const key of Object.keys(alertmanager)) {
    if (!(key in amDefaults)) {
      throw new SettingsError(
        `alertmanager.${key} is not a setting; accepted: ${Object.keys(amDefaults).join(', ')}`,
      );
    }
  }
  return {
    config: merge(defaultConfig, config, '') as AlertsConfig,
    alertmanager: { ...defaultAlertmanagerOptions, ...(alertmanager as Partial<AlertmanagerOptions>) },
    namespace,
  };
}
